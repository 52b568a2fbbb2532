/**
 * A running `up` leaves a session file (per project) so other terminals find it: its pid, router URL, and a
 * control endpoint on 127.0.0.1 protected by a random token. The file lives in the user's private state folder
 * (src/shared/state-dir.ts), is written to a fresh temporary and renamed over the old one, and is trusted only
 * when it is a regular file owned by this user: a token never lands in, or is read from, someone else's file.
 */
import { closeSync, fstatSync, openSync, readFileSync, rmSync, constants } from 'node:fs';
import path from 'node:path';
import { openFreshLog, stateDir, writeFileAtomic } from '../shared/state-dir.js';

export interface SessionInfo {
  pid: number;
  appId: string;
  project: string;
  spec: string;
  url?: string;
  status: 'starting' | 'up' | 'failed';
  error?: string;
  control?: { port: number; token: string };
  log?: string;
  started: string;
}

export const sessionDir = () => stateDir('sessions');
export const sessionFile = (project: string) => path.join(sessionDir(), `${project}.json`);
export const sessionLog = (project: string) => path.join(sessionDir(), `${project}.log`);

/** Atomic: a reader sees the previous file or this one, never half of one. */
export function writeSession(info: SessionInfo) {
  writeFileAtomic(sessionFile(info.project), JSON.stringify(info, null, 2));
}

/** The detached session's log, created fresh: an old file or a planted symlink is replaced, never written through. */
export function openSessionLog(project: string): { fd: number; file: string } {
  const file = sessionLog(project);
  return { fd: openFreshLog(file), file };
}

/** The file's text, only if it is a regular file of this user's, opened without following a link. */
function readOwn(file: string): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const s = fstatSync(fd);
    const uid = typeof process.getuid === 'function' ? process.getuid() : s.uid;
    if (!s.isFile() || s.uid !== uid || (s.mode & 0o077) !== 0) throw new Error(`${file} is not this user's own`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export function readSession(project: string): SessionInfo | undefined {
  try {
    const s = JSON.parse(readOwn(sessionFile(project))) as SessionInfo;
    process.kill(s.pid, 0); // still running?
    return s;
  } catch {
    return undefined;
  }
}

export function removeSession(project: string, pid = process.pid) {
  try {
    const s = JSON.parse(readOwn(sessionFile(project))) as SessionInfo;
    if (s.pid === pid) rmSync(sessionFile(project), { force: true });
  } catch {
    // nothing to remove
  }
}
