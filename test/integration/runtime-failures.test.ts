/** Apps that fail the way production fails them, each with the diagnosis that names the cause. */
import Docker from 'dockerode';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startApp } from '../../src/app/index.js';
import { eventually } from '../helpers/eventually.js';
import { ROOT } from '../helpers/paths.js';

const docker = new Docker();
const variant = (name: string) => path.join(ROOT, 'test/fixtures/runtime/variants', name, 'app.yaml');
const leftovers = async (appId?: string) =>
  (
    await docker.listContainers({
      all: true,
      filters: { label: [appId ? `rehearse.app=${appId}` : `rehearse.owner=${process.env.REHEARSE_OWNER}`] },
    })
  ).filter((c) => !appId || c.Labels['rehearse.app'] === appId);

it('a failing PRE_DEPLOY job stops up with its output, and leaves nothing', async () => {
  const err = await startApp({ spec: variant('failing-job') }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'JOB_FAILED', message: 'PRE_DEPLOY job "migrate" exited with code 1' });
  expect((err as { details: string }).details).toMatch(/ERROR: relation users does not exist/);
  expect((await leftovers()).filter((c) => c.Labels['rehearse.app']?.startsWith('failing-job'))).toEqual([]);
});

it('an app that binds a hard-coded port fails its health check with both ports named', async () => {
  const err = await startApp({ spec: variant('wrong-port') }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'HEALTH_FAILED' });
  expect((err as { hint: string }).hint).toBe(
    'web-1 listens on 0.0.0.0:8000, but the platform sends traffic to 0.0.0.0:8080 ($PORT); read the port from $PORT',
  );
});

it('an app that outgrows its instance size is OOM-killed, diagnosed with the limit and a size that fits, and restarted', async () => {
  await using app = await startApp({ spec: variant('oom') });
  await fetch(app.routerUrl + '/leak', { signal: AbortSignal.timeout(20_000) }).catch(() => undefined);
  const d = await eventually(() => {
    const found = app.diagnoses().find((x) => x.oomKilled);
    if (!found) throw new Error('no OOM diagnosis yet');
    return found;
  });
  expect(d.summary).toMatch(
    /^web-1 ran out of memory: killed at the 512 MiB limit of apps-s-1vcpu-0.5gb\. .*instance_size_slug: apps-s-1vcpu-1gb/,
  );
  // Restarted and serving again.
  await eventually(async () => expect((await fetch(app.routerUrl + '/healthz')).status).toBe(200));
});

it('a worker that exits 3 at boot is restarted with growing backoff, each crash with its last log lines', async () => {
  await using app = await startApp({ spec: variant('crash-loop') });
  const ds = await eventually(() => {
    const list = app.diagnoses().filter((x) => x.component === 'consumer');
    if (list.length < 3) throw new Error(`${list.length} crashes so far`);
    return list;
  }, 30_000);
  expect(ds[0]!.summary).toMatch(/^consumer-1 exited with code 3 after [\d.]+s: Error: missing QUEUE_URL\.$/);
  expect(ds[0]!.logTail).toEqual(expect.arrayContaining(['connecting to the queue...', 'Error: missing QUEUE_URL']));
  expect(ds.every((x) => x.exitCode === 3 && !x.oomKilled)).toBe(true);
  // Backoff: about 1 s before the first restart, about 2 s before the second.
  const at = ds.map((x) => Date.parse(x.endedAt));
  expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(900);
  expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1800);
  expect(at[2]! - at[1]!).toBeGreaterThan(at[1]! - at[0]!);
});
