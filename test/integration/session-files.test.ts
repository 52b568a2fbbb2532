/**
 * Session files and logs live in the user's private state folder, never the shared temporary folder: files
 * another local user planted there (a session file they can read, a log symlinked onto a file of root's) are
 * neither written through nor trusted (issue 17).
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { projectIdFor } from '../../src/app/app-id.js';
import { cli, copyExample } from '../helpers/cli.js';

const dir = copyExample('hello');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rehearse-shared-tmp-')); // stands for the shared /tmp
const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-xdg-')); // the user's XDG_RUNTIME_DIR (0700)
const env = { TMPDIR: tmp, XDG_RUNTIME_DIR: runtimeDir };
afterAll(() => cli(['down', '-t', '0'], dir, env));

it('up --detach never writes through a planted symlink nor into a pre-created session file', () => {
  const project = projectIdFor(path.join(dir, '.do/app.yaml'));
  // What another user could plant in the shared folder: a world-writable session file, a log symlinked onto a
  // file they cannot write themselves.
  const shared = path.join(tmp, 'rehearse', 'sessions');
  mkdirSync(shared, { recursive: true, mode: 0o777 });
  const victim = path.join(mkdtempSync(path.join(os.tmpdir(), 'rehearse-victim-')), 'important.conf');
  writeFileSync(victim, 'keep me\n');
  writeFileSync(path.join(shared, `${project}.json`), '{}', { mode: 0o666 });
  symlinkSync(victim, path.join(shared, `${project}.log`));
  // And the same symlink inside the private folder, as a stale leftover: replaced, never followed.
  const own = path.join(runtimeDir, 'rehearse', 'sessions');
  mkdirSync(own, { recursive: true, mode: 0o700 });
  symlinkSync(victim, path.join(own, `${project}.log`));

  const up = cli(['up', '--detach', '--port', '0'], dir, env);
  expect(up.stderr).toBe('');
  expect(up.status).toBe(0);
  expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
  expect(readFileSync(path.join(shared, `${project}.json`), 'utf8')).toBe('{}'); // no token for the other user
  const session = path.join(own, `${project}.json`);
  expect(statSync(session).mode & 0o777).toBe(0o600);
  expect(statSync(path.join(runtimeDir, 'rehearse')).mode & 0o777).toBe(0o700);
  expect(JSON.parse(readFileSync(session, 'utf8'))).toMatchObject({ status: 'up', control: { token: /^[0-9a-f]+$/ } });
  expect(readFileSync(path.join(own, `${project}.log`), 'utf8')).toMatch(/ is up on /);
  expect(cli(['ps'], dir, env).stdout).toMatch(/web-1/);
});
