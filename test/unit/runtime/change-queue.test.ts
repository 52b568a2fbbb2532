import { expect, it } from 'vitest';
import { ChangeQueue, QueueClosed } from '../../../src/runtime/change-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

it('runs changes one at a time, in the order they were queued, whatever each one does', async () => {
  const q = new ChangeQueue();
  const seen: string[] = [];
  const change = (name: string, fail = false) =>
    q.run(name, async () => {
      seen.push(`${name} start`);
      await tick();
      seen.push(`${name} end`);
      if (fail) throw new Error(name);
    });
  const results = await Promise.allSettled([change('a'), change('b', true), change('c')]);
  expect(seen).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(q.idle).toBe(true);
});

it('close() aborts the change under way and drops the ones waiting', async () => {
  const q = new ChangeQueue();
  let aborted = false;
  const running = q.run(
    'long',
    (signal) =>
      new Promise<void>((_, reject) => {
        signal.addEventListener('abort', () => ((aborted = true), reject(signal.reason)));
      }),
  );
  const waiting = q.run('next', async () => 'ran');
  await tick();
  expect(q.idle).toBe(false);
  await q.close();
  expect(aborted).toBe(true);
  await expect(running).rejects.toBeInstanceOf(QueueClosed);
  await expect(waiting).rejects.toBeInstanceOf(QueueClosed);
  await expect(q.run('after', async () => 'ran')).rejects.toBeInstanceOf(QueueClosed);
});
