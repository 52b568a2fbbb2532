/**
 * Where rehearse keeps what it writes on the host: session files, session logs, build logs, static sites'
 * output. A per-user folder, never the shared temporary folder, where another local user could pre-create a
 * file or plant a symlink (issue 17): $XDG_RUNTIME_DIR/rehearse, else $XDG_CACHE_HOME/rehearse, else
 * ~/.cache/rehearse. Created 0700; an existing one must be a real folder, owned by this user, closed to others.
 * Files are created exclusively without following links (O_EXCL | O_NOFOLLOW) and replaced by rename.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RehearseError } from './errors.js';

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : -1);

/** The root of rehearse's own state for this user. */
export function stateRoot(): string {
  const base =
    process.env.XDG_RUNTIME_DIR && path.isAbsolute(process.env.XDG_RUNTIME_DIR)
      ? process.env.XDG_RUNTIME_DIR
      : process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME)
        ? process.env.XDG_CACHE_HOME
        : path.join(os.homedir(), '.cache');
  return path.join(base, 'rehearse');
}

/** A folder under the state root (created 0700 at every level rehearse owns), checked before use. */
export function stateDir(...parts: string[]): string {
  const root = stateRoot();
  mkdirSync(path.dirname(root), { recursive: true, mode: 0o700 });
  let dir = root;
  ensurePrivate(dir);
  for (const p of parts) {
    dir = path.join(dir, p);
    ensurePrivate(dir);
  }
  return dir;
}

function ensurePrivate(dir: string) {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const s = lstatSync(dir);
  const why = !s.isDirectory()
    ? 'is not a folder (a symlink?)'
    : uid() >= 0 && s.uid !== uid()
      ? `is owned by uid ${s.uid}, not by you (uid ${uid()})`
      : (s.mode & 0o077) !== 0
        ? `is open to other users (mode ${(s.mode & 0o777).toString(8)})`
        : undefined;
  if (why)
    throw new RehearseError('UNSAFE_STATE_DIR', `${dir} ${why}`, {
      hint: `remove it (rehearse recreates it, mode 700), or point XDG_RUNTIME_DIR / XDG_CACHE_HOME elsewhere`,
    });
}

/** Opens a new file for writing: fails if anything (a file, a symlink) is already at that path. */
export function openExclusive(file: string, mode = 0o600): number {
  return openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
}

/**
 * Writes a whole file atomically: a fresh temporary beside it (exclusive, no links followed), then rename over
 * the target. A reader sees the old file or the new one, never half of one; a symlink at the target is replaced,
 * never followed.
 */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openExclusive(tmp, mode);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A fresh file for a log: whatever was at the path (an old log, a planted symlink) is removed first, never followed. */
export function openFreshLog(file: string): number {
  rmSync(file, { force: true }); // unlink removes a symlink itself, not its target
  return openExclusive(file);
}
