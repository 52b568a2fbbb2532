/**
 * Small apps shaped like the real specs (a Node server started by `npm start`, a SECRET in a gitignored .env, a
 * Dockerfile whose CMD names no program), each its own git repository as users' apps are, run through the
 * published command. Each test pins a failure a user met: an engine error printed as "unexpected error", a
 * restart that the supervisor took for a crash, a notice that told the user to commit their .env.
 */
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
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
