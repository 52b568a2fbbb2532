/**
 * Issue 11, point 5, through the published command against one running `up --watch --port 0`: bugs found by
 * reading the code, each pinned by the behaviour a user sees.
 */
import Docker from 'dockerode';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, copyExample, spawnCli, type Spawned } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';

describe('a running up --watch --port 0', () => {
  const dir = copyExample('hello');
  const spec = path.join(dir, '.do/app.yaml');
  let up: Spawned;
  let url = '';
  beforeAll(async () => {
    // A variable built from ${APP_URL}: the URL the router really answers on.
    appendFileSync(spec, '      - key: SELF_URL\n        value: ${APP_URL}\n        scope: RUN_TIME\n');
    up = spawnCli(['up', '--watch', '--port', '0'], dir);
    url = (await up.waitFor(/is up on .*(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    await up.waitFor(/watching for changes/);
  });
  afterAll(async () => {
    up.child.kill('SIGINT');
    await up.exited;
    cli(['down', '-t', '0'], dir);
  });

  it("gives ${APP_URL} production's form (no local port), and `env` shows what the container got", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = cli(['exec', 'web', '--', 'printenv', 'SELF_URL'], dir);
    expect(r.stdout.trim()).toMatch(/^https:\/\/hello-[0-9a-z]{5}\.ondigitalocean\.app$/);
    expect(cli(['env', 'web'], dir).stdout).toContain(`SELF_URL=${r.stdout.trim()}`);
  });

  it('rolls nothing out when a spec edit changes no component', async () => {
    appendFileSync(spec, '# a comment changes nothing that runs\n');
    await up.waitFor(/the spec changed; no component changed/, 30_000);
    expect(up.output()).not.toMatch(/rebuilding web/);
  });

  it('passes piped stdin to exec', () => {
    const r = spawnSync(BIN, ['exec', 'web', '--', 'cat'], {
      cwd: dir,
      input: 'piped line\n',
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('piped line\n');
    expect(r.status).toBe(0);
  });

  it('refuses to restart a component that does not exist, naming the ones that do', () => {
    const r = cli(['restart', 'nosuchcomponent'], dir);
    expect(r.stdout).not.toMatch(/restarted/);
    expect(r.stderr).toMatch(/nosuchcomponent/);
    expect(r.stderr).toMatch(/web/);
    expect(r.status).toBe(2);
  });

  it("doctor does not report the session's own port as taken by something else", () => {
    const port = new URL(url).port;
    const r = cli(['doctor', '--port', port], dir);
    expect(r.stdout).not.toMatch(/in use on 127\.0\.0\.1/);
    expect(r.stdout).toMatch(
      new RegExp(`✔ port ${port}: in use by this app's rehearse session \\(pid ${up.child.pid}\\)`),
    );
  });
});

describe('one spec resolver for every command', () => {
  const hello = path.join(ROOT, 'examples/hello');
  it.each([
    ['validate', 'a folder', ['validate', '--spec', 'examples/hello']],
    ['validate', 'a file', ['validate', '--spec', 'examples/hello/.do/app.yaml']],
    ['cost', 'a folder', ['cost', '--spec', 'examples/hello']],
    ['cost', 'a file', ['cost', '--spec', 'examples/hello/.do/app.yaml']],
    ['env', 'a folder', ['env', 'web', '--spec', 'examples/hello']],
    ['env', 'a file', ['env', 'web', '--spec', 'examples/hello/.do/app.yaml']],
  ])('%s accepts %s', (_verb, _form, args) => {
    const r = cli(args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('validate reads a spec file whatever its extension, as cost and up do', () => {
    const dir = copyExample('hello');
    writeFileSync(path.join(dir, 'spec.txt'), readFileSync(path.join(hello, '.do/app.yaml')));
    for (const verb of ['validate', 'cost']) {
      const r = cli([verb, '--spec', 'spec.txt'], dir);
      expect(r.stderr, verb).toBe('');
      expect(r.status, verb).toBe(0);
    }
  });

  it('every command says the same thing about a path that does not exist', () => {
    const said = ['validate', 'cost', 'ps'].map((verb) => cli([verb, '--spec', 'no/such/place']));
    for (const r of said) {
      expect(r.stderr).toMatch(/SPEC_NOT_FOUND: no spec file or folder at no\/such\/place/);
      expect(r.status).toBe(2);
    }
  });
});

describe('a closed stdout', () => {
  it.each([
    ['validate', ['validate', '--spec', 'examples/hello/.do/app.yaml']],
    ['cost', ['cost', '--spec', 'examples/hello']],
    ['--help', ['--help']],
  ])('ends %s quietly, with no EPIPE stack trace', async (_verb, args) => {
    const child = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    // The reader goes away before the first write, as `| head -0` would.
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});

it('a closed stdout stops up the way Ctrl-C does, and removes what it started', async () => {
  const dir = copyExample('hello');
  const child = spawn(BIN, ['up', '--port', '0'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  await new Promise((r) => child.on('exit', r));
  expect(err).toBe('');
  const left = await new Docker().listContainers({ all: true, filters: { label: [`rehearse.pid=${child.pid}`] } });
  expect(left).toEqual([]);
});
