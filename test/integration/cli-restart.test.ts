/**
 * Two `rehearse restart web` at once, through the published command (issue 17): both go through the app's change
 * queue, both succeed, and the edge serves afterwards (before: one failed with "container already started" and
 * the edge answered 503 "starting" for good while the container served).
 */
import { spawn } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { getText } from '../helpers/eventually.js';
import { BIN, cli, copyExample, spawnCli } from '../helpers/cli.js';

const dir = copyExample('hello');
const up = spawnCli(['up', '--port', '0'], dir);
afterAll(async () => {
  up.child.kill('SIGINT');
  await up.exited;
  cli(['down', '-t', '0'], dir);
});

const restart = () =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(BIN, ['restart', 'web'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });

it('two restarts at once both succeed and the app serves after them', async () => {
  const url = (await up.waitFor(/is up on .*(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  const [a, b] = await Promise.all([restart(), restart()]);
  expect(a, a.out).toMatchObject({ code: 0 });
  expect(b, b.out).toMatchObject({ code: 0 });
  expect(a.out + b.out).not.toMatch(/already started/);
  const res = await getText(url + '/');
  expect(res.status).toBe(200);
  expect(res.body).toMatch(/hello from/);
}, 120_000);
