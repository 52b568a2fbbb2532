/** The second catalog volume's rules, on their own: what fires them and what must not. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuplicateJobs } from '../../../src/runtime/diagnoses/duplicate-jobs.js';
import { elfMachine, unexecutable } from '../../../src/runtime/diagnoses/foreign-arch.js';
import { gitTree, gitTreeNotice } from '../../../src/runtime/diagnoses/git-tree.js';
import { LostSessions } from '../../../src/runtime/diagnoses/lost-sessions.js';
import { bufferedPython } from '../../../src/runtime/diagnoses/python-buffered.js';

describe('a buffered Python process', () => {
  it('is python or a Python server without PYTHONUNBUFFERED or -u', () => {
    expect(bufferedPython(['PATH=/usr/bin'], ['python3 server.py'])).toBe(true);
    expect(bufferedPython([], ['/bin/sh -c gunicorn app:app', '1 /usr/bin/python3 /usr/bin/gunicorn app:app'])).toBe(
      true,
    );
    expect(bufferedPython(['PYTHONUNBUFFERED=1'], ['python3 server.py'])).toBe(false);
    expect(bufferedPython([], ['python3 -u server.py'])).toBe(false);
    expect(bufferedPython([], ['node server.js'])).toBe(false);
    expect(bufferedPython(['PYTHONUNBUFFERED='], ['python server.py'])).toBe(true); // empty is unset for Python
  });
});

describe('a program built for another CPU', () => {
  const elf = (machine: number) => {
    const b = Buffer.alloc(20);
    b.writeUInt32BE(0x7f454c46, 0);
    b[4] = 2; // 64-bit
    b[5] = 1; // little-endian
    b.writeUInt16LE(machine, 18);
    return b;
  };
  it('is named from the ELF header', () => {
    expect(elfMachine(elf(0xb7))).toBe('arm64 (aarch64)');
    expect(elfMachine(elf(0x3e))).toBe('amd64');
    expect(elfMachine(Buffer.from('#!/bin/sh\necho hello\n'))).toBeUndefined();
  });
  it("is found in runc's and App Platform's wording", () => {
    expect(unexecutable(['exec /app/server: exec format error'])).toBe('/app/server');
    expect(
      unexecutable([
        'starting container: starting sub-container [/app/bin/server]: creating process: failed to load /app/bin/server: exec format error',
      ]),
    ).toBe('/app/bin/server');
    expect(unexecutable(['Error: listen EADDRINUSE'])).toBeUndefined();
  });
});

describe('a scheduled task run by several instances', () => {
  const said: string[] = [];
  const feed = (lines: [string, string][]) => {
    said.length = 0;
    const d = new DuplicateJobs((_c, m) => said.push(m));
    for (const [instance, line] of lines) d.line('web', instance, line);
    return said;
  };
  it('is told once the same task line repeats on two instances', () => {
    const run = (i: string, n: number) =>
      [i, `2026-01-01T00:00:0${n}Z [cron] daily digest run ${n}`] as [string, string];
    expect(feed([run('web-1', 1), run('web-2', 1), run('web-1', 2), run('web-2', 2), run('web-1', 3)])).toHaveLength(1);
    expect(said[0]).toMatch(/^web's 2 instances each run the same scheduled task/);
  });
  it('is not told for boot lines, request logs, or one instance', () => {
    expect(
      feed([
        ['web-1', 'task queue ready'],
        ['web-2', 'task queue ready'],
      ]),
    ).toEqual([]);
    const health = (i: string) => [i, '10.0.0.1 - - "GET /healthz HTTP/1.1" 200 2 job'] as [string, string];
    expect(feed([health('web-1'), health('web-2'), health('web-1'), health('web-2')])).toEqual([]);
    const solo = (n: number) => ['web-1', `[cron] daily digest run ${n}`] as [string, string];
    expect(feed([solo(1), solo(2), solo(3)])).toEqual([]);
  });
});

describe('files git would not ship', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'ignore' });

  it('are none outside a repository', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-git-tree-'));
    writeFileSync(path.join(dir, 'a.txt'), 'a');
    expect(gitTree(dir)).toBeUndefined();
  });

  it('are the gitignored, the uncommitted and the case-renamed, not what .dockerignore drops anyway', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-git-tree-'));
    writeFileSync(path.join(dir, '.gitignore'), 'secret.env\nnode_modules/\n');
    writeFileSync(path.join(dir, 'Logo.svg'), '<svg/>');
    writeFileSync(path.join(dir, 'server.js'), '');
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'x');
    writeFileSync(path.join(dir, 'secret.env'), 'A=1');
    writeFileSync(path.join(dir, 'draft.js'), '');
    mkdirSync(path.join(dir, 'node_modules/x'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules/x/index.js'), '');
    execFileSync('mv', ['Logo.svg', 'logo.svg'], { cwd: dir });
    const tree = gitTree(dir)!;
    expect(Object.fromEntries(tree.unshipped)).toEqual({
      'secret.env': 'gitignored',
      'node_modules/': 'gitignored',
      'draft.js': 'not committed',
      'logo.svg': 'git has Logo.svg: a case-only rename git did not record; git mv it',
    });
    expect(tree.leftOut('node_modules/x/index.js')).toBe(true);
    expect(tree.leftOut('server.js')).toBe(false);
    const notice = gitTreeNotice('web', tree, (rel) => rel === 'node_modules');
    expect(notice).toMatch(/^web's build left out 3 files/);
    expect(notice).not.toMatch(/node_modules/);
  });
});

describe('sessions one instance knows and the others do not', () => {
  const run = (answers: [string, number][], instances = 2) => {
    const said: string[] = [];
    const rule = new LostSessions(
      () => instances,
      (_c, m) => said.push(m),
    );
    for (const [instance, status] of answers)
      rule.see({ method: 'GET', path: '/account', component: 'web', instance, status });
    return said;
  };
  it('are told when one path is accepted by one instance and refused by the other, every time', () => {
    expect(
      run([
        ['web-1', 200],
        ['web-2', 401],
        ['web-1', 200],
        ['web-2', 401],
      ]),
    ).toHaveLength(1);
  });
  it('are not told for refusals spread over all instances, or one instance', () => {
    expect(
      run([
        ['web-1', 200],
        ['web-2', 401],
        ['web-1', 401],
        ['web-2', 200],
        ['web-1', 200],
        ['web-2', 401],
      ]),
    ).toEqual([]);
    expect(
      run(
        [
          ['web-1', 200],
          ['web-1', 401],
          ['web-1', 200],
          ['web-1', 401],
        ],
        1,
      ),
    ).toEqual([]);
  });
});
