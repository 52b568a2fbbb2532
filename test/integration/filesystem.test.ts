/**
 * The platform's default filesystem: writable, wiped when an instance restarts, replaced when full. Apps that
 * write /tmp legitimately run; seed 000 (gunicorn's heartbeat in /tmp) still fails the way production does:
 * the deploy is green and the workers die in a loop, with a one-line diagnosis and its fix.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { startApp, type AppEvent } from '../../src/app/index.js';
import { eventually } from '../helpers/eventually.js';
import { ROOT } from '../helpers/paths.js';

/** Polls until `check` gives something truthy. */
const until = <T>(check: () => T | Promise<T>, timeoutMs: number) =>
  eventually(async () => {
    const v = await check();
    if (!v) throw new Error(`still ${String(v)} after ${timeoutMs} ms`);
    return v as NonNullable<T>;
  }, timeoutMs);

const notices = (events: AppEvent[]) =>
  events.filter((e): e is Extract<AppEvent, { type: 'notice' }> => e.type === 'notice').map((e) => e.message);

it('seed 000: gunicorn boots, its workers die in a loop on os.fchmod, and rehearse says so with the fix', async () => {
  const events: AppEvent[] = [];
  const spec = path.join(ROOT, 'examples/broken/gunicorn-tmp-dir/.do/app.yaml');
  // The deploy succeeds: the platform's default TCP check passes on the arbiter's socket.
  await using app = await startApp({ spec, onEvent: (e) => events.push(e) });
  await until(() => app.logs('web').filter((l) => /Exception in worker process/.test(l)).length >= 2, 30_000);
  expect(app.logs('web').join('\n')).toMatch(
    /os\.fchmod\(self\._tmp\.fileno\(\), self\.spinner\)\n.*PermissionError: \[Errno 1\] Operation not permitted/,
  );
  const said = notices(events).filter((m) => /gunicorn/.test(m));
  expect(said).toHaveLength(1);
  expect(said[0]).toMatch(
    /^web-1: gunicorn's workers die in a loop .*add --worker-tmp-dir \/dev\/shm to the gunicorn command\.$/,
  );
  expect(said[0]).not.toMatch(/\n/);
});

it('the fixed twin (--worker-tmp-dir /dev/shm) serves on the same sandbox', async () => {
  await using app = await startApp({ spec: path.join(ROOT, 'examples/broken/gunicorn-tmp-dir/fixed/.do/app.yaml') });
  for (let i = 0; i < 5; i++) expect((await fetch(app.url('web') + `n${i}`)).status).toBe(200);
  expect(app.logs('web').join('\n')).not.toMatch(/Exception in worker process/);
});

it('Python tempfile, a Celery prefork worker, and fs.copyFile into /tmp run; a full disk is replaced, empty', async () => {
  const events: AppEvent[] = [];
  await using app = await startApp({
    spec: path.join(ROOT, 'test/fixtures/filesystem/.do/app.yaml'),
    // Production's cap is 4 GiB; 32 MiB lets the test fill it in a moment.
    overrides: { filesystem: { ephemeral_limit_mib: 32 } },
    onEvent: (e) => events.push(e),
  });
  const web = await fetch(app.url('web'));
  expect(await web.text()).toMatch(/^tempfile ok: spooled named in \/tmp/);
  expect(web.status).toBe(200);
  const copied = await fetch(app.url('files'));
  expect(await copied.text()).toMatch(/^copyFile ok: \d+ bytes/);
  await until(() => app.logs('celery').some((l) => /celery task ran in pool process \d+: 5/.test(l)), 60_000);
  expect(app.logs('celery').join('\n')).toMatch(/prefork/);

  // The disk: written files stay while the instance runs...
  expect(await (await fetch(app.url('files') + 'fill?mib=48')).text()).toBe('filled\n');
  // ...until it has written more than the cap: replaced, with a diagnosis, and its disk is empty again.
  const full = await until(
    () =>
      events.find(
        (e): e is Extract<AppEvent, { type: 'crash' }> => e.type === 'crash' && e.diagnosis.component === 'files',
      ),
    30_000,
  );
  expect(full.diagnosis.summary).toMatch(
    /^files-1 filled its local disk \(\d+ MiB written, the platform's cap is 32 MiB\): production marks it unhealthy and replaces it/,
  );
  await until(async () => (await fetch(app.url('files') + 'marker').catch(() => undefined))?.status === 200, 30_000);
  expect(await (await fetch(app.url('files') + 'marker')).text()).toBe('absent\n');
}, 400_000);
