/**
 * A running `up` leaves a session file (per project) so other terminals find it: its pid, router URL, and a
 * control endpoint on 127.0.0.1 protected by a random token (the file is readable by its owner only).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

export const sessionDir = () => path.join(os.tmpdir(), 'rehearse', 'sessions');
export const sessionFile = (project: string) => path.join(sessionDir(), `${project}.json`);
export const sessionLog = (project: string) => path.join(sessionDir(), `${project}.log`);

export function writeSession(info: SessionInfo) {
  mkdirSync(sessionDir(), { recursive: true });
  const tmp = sessionFile(info.project) + `.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(info, null, 2), { mode: 0o600 });
  // Atomic: a reader never sees half a file.
  writeFileSync(sessionFile(info.project), readFileSync(tmp), { mode: 0o600 });
  rmSync(tmp, { force: true });
}

export function readSession(project: string): SessionInfo | undefined {
  try {
    const s = JSON.parse(readFileSync(sessionFile(project), 'utf8')) as SessionInfo;
    process.kill(s.pid, 0); // still running?
    return s;
  } catch {
    return undefined;
  }
}

export function removeSession(project: string, pid = process.pid) {
  try {
    const s = JSON.parse(readFileSync(sessionFile(project), 'utf8')) as SessionInfo;
    if (s.pid === pid) rmSync(sessionFile(project), { force: true });
  } catch {
    // nothing to remove
  }
}
