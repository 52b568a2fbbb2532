/**
 * Small apps shaped like the real specs (a Node server started by `npm start`, a SECRET in a gitignored .env, a
 * Dockerfile whose CMD names no program), each its own git repository as users' apps are, run through the
 * published command. Each test pins a failure a user met: an engine error printed as "unexpected error", a
 * restart that the supervisor took for a crash, a notice that told the user to commit their .env.
 */
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

/** A folder with these files, committed in its own git repository (except what its .gitignore leaves out). */
function gitApp(name: string, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rehearse-${name}-`));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
  return dir;
}

/** This test run's containers whose name holds the app's name. */
async function containersOf(app: string) {
  const all = await new Docker().listContainers({
    all: true,
    filters: { label: [`rehearse.owner=${process.env.REHEARSE_OWNER}`] },
  });
  return all.filter((c) => c.Names.some((n) => n.includes(app)));
}

const spec = (name: string, extra = '') => `name: ${name}
services:
  - name: web
    github:
      repo: acme/${name}
      branch: main
    source_dir: /
    dockerfile_path: Dockerfile
${extra}`;

it('names a CMD that is no program in the image, with the Dockerfile line and the fix, and leaves nothing', async () => {
  const dir = gitApp('nosuch', {
    '.do/app.yaml': spec('qa-nosuch'),
    Dockerfile: 'FROM debian:bookworm-slim\nWORKDIR /app\nCOPY . .\nCMD ["nosuch"]\n',
  });
  const r = cli(['up', '--port', '0'], dir);
  expect(r.stderr).not.toMatch(/unexpected error/);
  expect(r.stderr).toMatch(/START_FAILED: web-1 could not start: "nosuch" is not a program on the image's PATH/);
  expect(r.stderr).toMatch(/at Dockerfile:4:1/);
  expect(r.stderr).toMatch(/fix: change the Dockerfile's CMD \["nosuch"\] to a program the image has/);
  expect(r.status).toBe(1);
  expect(await containersOf('qa-nosuch')).toEqual([]);
});

it('names a script that git left without its executable bit', async () => {
  const dir = gitApp('noexec', {
    '.do/app.yaml': spec('qa-noexec'),
    'start.sh': '#!/bin/sh\nexec sleep 60\n', // written without +x, as a Windows checkout commits it
    Dockerfile: 'FROM debian:bookworm-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["/app/start.sh"]\n',
  });
  const r = cli(['up', '--port', '0'], dir);
  expect(r.stderr).not.toMatch(/unexpected error/);
  expect(r.stderr).toMatch(/START_FAILED: web-1 could not start: \/app\/start\.sh is not executable/);
  expect(r.stderr).toMatch(/git update-index --chmod=\+x/);
  expect(r.status).toBe(1);
});

describe('a Node app started by npm start, its SECRET in a gitignored .env', () => {
  const name = 'qa-npm-start';
  const dir = gitApp('npm-start', {
    '.do/app.yaml': spec(name, '    envs:\n      - key: API_KEY\n        type: SECRET\n        value: EV[1:abc:def]\n'),
    '.gitignore': '.env\nnode_modules\n',
    '.env': 'API_KEY=sk-qa-0123456789\n',
    'package.json': '{ "name": "npm-start", "version": "1.0.0", "scripts": { "start": "node server.js" } }\n',
    // process.env.PORT || 3000, as most Node apps: the platform's PORT (8080) wins.
    'server.js':
      "require('http').createServer((q, s) => s.end('ok ' + q.url)).listen(process.env.PORT || 3000, () => console.log('listening'));\n",
    Dockerfile: 'FROM node:20-bookworm-slim\nWORKDIR /usr/src/app\nCOPY . .\nCMD ["npm", "start"]\n',
  });
  let up: ReturnType<typeof cli>;
  let url = '';
  let log = '';
  beforeAll(() => {
    up = cli(['up', '--port', '0', '--detach'], dir);
    expect(up.status, up.stderr).toBe(0);
    url = / is up on .*: (http:\/\/127\.0\.0\.1:\d+)/.exec(up.stdout)![1]!;
    log = /Log: (\S+)/.exec(up.stdout)![1]!;
  });
  afterAll(() => {
    cli(['down', '-t', '0'], dir);
  });

  it('never tells the user to commit the .env that holds their secrets', () => {
    // The .env stays out of the build (git would not ship it), but it is where rehearse reads SECRETs from.
    expect(readFileSync(log, 'utf8')).not.toMatch(/git would not ship[^\n]*\.env/);
    expect(up.stdout + up.stderr).not.toContain('sk-qa-0123456789');
  });

  it('ps --json leaves the session control token out (it lives in the owner-only session file)', () => {
    const file = log.replace(/\.log$/, '.json');
    const { control } = JSON.parse(readFileSync(file, 'utf8')) as { control: { token: string } };
    const r = cli(['ps', '--json'], dir);
    expect(r.stdout).toMatch(/"instances"/);
    expect(r.stdout).not.toContain(control.token);
  });

  it('restart is not taken for a crash: the new container keeps serving', async () => {
    // npm exits 1 on SIGTERM: the supervisor once read that as a crash (most times, not every time) and
    // replaced the restarted container under the restart.
    for (let k = 0; k < 3; k++) {
      const r = cli(['restart', 'web'], dir);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('web restarted and live again\n');
      await new Promise((res) => setTimeout(res, 1500));
    }
    expect(readFileSync(log, 'utf8')).not.toMatch(/✘ web-1 /);
    const ps = JSON.parse(cli(['ps', '--json'], dir).stdout) as { instances: { state: string }[] };
    expect(ps.instances).toMatchObject([{ state: 'running' }]);
    const res = await fetch(`${url}/after-restart`);
    expect(await res.text()).toBe('ok /after-restart');
  });
});

it("validate's shell-form fix keeps $PORT working (exec form would pass it unexpanded), and CMD exec is not flagged", () => {
  const dir = gitApp('shell-port', {
    '.do/app.yaml': spec('qa-shell-port', '    http_port: 8000\n'),
    Dockerfile: 'FROM python:3.11-slim-bookworm\nCMD gunicorn app:app --bind 0.0.0.0:$PORT --worker-tmp-dir /dev/shm\n',
  });
  const r = cli(['validate'], dir);
  expect(r.stdout).toMatch(/CMD is in shell form/);
  expect(r.stdout).toMatch(/fix: prefix it with exec[^\n]*: CMD exec gunicorn app:app --bind 0\.0\.0\.0:\$PORT/);
  expect(r.stdout).not.toMatch(/"0\.0\.0\.0:\$PORT"/);
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    'FROM python:3.11-slim-bookworm\nCMD exec gunicorn app:app --bind 0.0.0.0:$PORT --worker-tmp-dir /dev/shm\n',
  );
  expect(cli(['validate'], dir).stdout).not.toMatch(/shell form/);
});
