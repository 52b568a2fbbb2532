import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readSession, sessionFile, writeSession } from '../../../src/app/session.js';
import { stateDir } from '../../../src/shared/state-dir.js';

let base: string;
const saved = process.env.XDG_RUNTIME_DIR;
beforeEach(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'state-'));
  process.env.XDG_RUNTIME_DIR = base;
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
  else process.env.XDG_RUNTIME_DIR = saved;
});

it('creates the state folder 0700 under XDG_RUNTIME_DIR', () => {
  const d = stateDir('sessions');
  expect(d).toBe(path.join(base, 'rehearse', 'sessions'));
  expect(lstatSync(path.join(base, 'rehearse')).mode & 0o777).toBe(0o700);
  expect(lstatSync(d).mode & 0o777).toBe(0o700);
});

it('refuses a state folder open to others, a symlinked one, or one owned by someone else', () => {
  mkdirSync(path.join(base, 'rehearse'));
  chmodSync(path.join(base, 'rehearse'), 0o777);
  expect(() => stateDir()).toThrow(/open to other users/);
  chmodSync(path.join(base, 'rehearse'), 0o700);
  symlinkSync(os.tmpdir(), path.join(base, 'rehearse', 'sessions'));
  expect(() => stateDir('sessions')).toThrow(/not a folder/);
  if (process.getuid?.() === 0) {
    mkdirSync(path.join(base, 'rehearse', 'apps'), { mode: 0o700 });
    chownSync(path.join(base, 'rehearse', 'apps'), 65534, 65534);
    expect(() => stateDir('apps')).toThrow(/owned by uid 65534/);
  }
});

it('writes the session file by rename: a symlink at its path is replaced, never followed', () => {
  const victim = path.join(base, 'victim');
  writeFileSync(victim, 'keep me');
  const file = sessionFile('p1');
  symlinkSync(victim, file);
  writeSession({ pid: process.pid, appId: 'a', project: 'p1', spec: 's', status: 'up', started: 'now' });
  expect(readFileSync(victim, 'utf8')).toBe('keep me');
  expect(lstatSync(file).isFile()).toBe(true);
  expect(lstatSync(file).mode & 0o777).toBe(0o600);
  expect(readSession('p1')?.appId).toBe('a');
});

it('does not trust a session file others could have written', () => {
  writeSession({ pid: process.pid, appId: 'a', project: 'p2', spec: 's', status: 'up', started: 'now' });
  chmodSync(sessionFile('p2'), 0o666);
  expect(readSession('p2')).toBeUndefined();
});
