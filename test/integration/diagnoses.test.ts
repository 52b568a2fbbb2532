/**
 * Diagnoses that blame the right thing, on real containers: a health answer's status and its usual cause; a
 * job that cannot reach a service says which and why; `up --detach` reports the failure the session had; a
 * worker in a crash loop is reported crash by crash and `ps` shows the loop; a stop that waits a grace period
 * says so and a second Ctrl-C kills at once; disposing a startApp() app does not wait production's grace.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startApp } from '../../src/app/index.js';
import { cli, copyExample, spawnCli } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { ROOT } from '../helpers/paths.js';

/** A private copy of test/fixtures/diagnoses (its own project ids), and one of its specs. */
function fixture(spec: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-diagnoses-'));
  cpSync(path.join(ROOT, 'test/fixtures/diagnoses'), dir, { recursive: true });
  return { dir, spec: path.join(dir, '.do', spec) };
}

it('a health check answered 400 names the status and the Host check that usually causes it', async () => {
  const { spec } = fixture('app.yaml');
  const err = (await startApp({ spec }).then(
    (app) => app.stop().then(() => new Error('it came up')),
    (e: unknown) => e,
  )) as { code?: string; message: string; hint?: string };
  expect(err.code).toBe('HEALTH_FAILED');
  expect(err.message).toMatch(/it answered 400/);
  expect(err.hint).toMatch(/400 Bad Request to GET \/healthz: most often a Host check .*ALLOWED_HOSTS/);
  expect(err.hint).not.toMatch(/not a path the app serves/);
});

it('a PRE_DEPLOY job that needs a service says which and why; --detach reports that failure', () => {
  const { dir, spec } = fixture('job.yaml');
  const r = cli(['up', '--detach', '--port', '0', '--spec', spec], dir);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  const last = r.stderr.slice(r.stderr.lastIndexOf('✘'));
  expect(last).toMatch(/^✘ JOB_FAILED: PRE_DEPLOY job "migrate" exited with code 1/);
  expect(last).toMatch(
    /fix: the job "migrate" could not reach api: PRE_DEPLOY jobs run before any service starts, as in production, so the service "api" is not up yet/,
  );
  expect(last).not.toMatch(/HEALTH_FAILED/);
});

it('a worker in a crash loop after up: each crash diagnosed (exit 127: not found), and ps shows the loop', async () => {
  const { dir, spec } = fixture('loop.yaml');
  const up = cli(['up', '--detach', '--port', '0', '--spec', spec], dir);
  try {
    expect(up.status, up.stdout + up.stderr).toBe(0);
    const ps = await eventually(() => {
      const r = cli(['ps', '--spec', spec], dir);
      expect(r.stdout).toMatch(/queue-1 crashed (?:[2-9]|\d{2,}) time\(s\); last: queue-1 exited with code 127/);
      return r.stdout;
    }, 60_000);
    expect(ps).toMatch(/its command celery was not found: it is not installed in the image, or not on its PATH/);
    const logs = cli(['logs', 'queue', '--spec', spec], dir);
    expect(logs.stdout + logs.stderr).toMatch(/not found/);
  } finally {
    const down = cli(['down', '--spec', spec], dir);
    expect(down.status, down.stderr).toBe(0);
  }
});

it('up: a stop that waits a grace period says so, and a second Ctrl-C kills at once', async () => {
  const dir = copyExample('broken/shell-form-cmd'); // /bin/sh as PID 1: SIGTERM never reaches node
  const run = spawnCli(['up', '--port', '0'], dir);
  await run.waitFor(/ is up on /);
  run.child.kill('SIGINT');
  await run.waitFor(
    /still stopping: an instance has not exited on SIGTERM, so it gets its grace period \(120 s/,
    10_000,
  );
  const t0 = Date.now();
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(130);
  expect(run.output()).toMatch(/second Ctrl-C: killing every instance now/);
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(cli(['ps'], dir).stdout).toMatch(/nothing of this app is running/);
});

it("disposing a startApp() app whose PID 1 ignores SIGTERM takes under 5 s, not production's 120 s grace", async () => {
  const app = await startApp({ spec: path.join(copyExample('broken/shell-form-cmd'), '.do/app.yaml') });
  const t0 = Date.now();
  await app[Symbol.asyncDispose]();
  const seconds = (Date.now() - t0) / 1000;
  console.log(`disposed an app that ignores SIGTERM in ${seconds.toFixed(2)} s`);
  expect(seconds).toBeLessThan(5);
});
