import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './paths.js';

/** The published command (package.json's bin), run as users run it. */
export const BIN = path.join(ROOT, 'bin/rehearse');

export function cli(args: string[], cwd = ROOT, env: Record<string, string> = {}) {
  return spawnSync(BIN, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
}

/** A private copy of an example: its own path, so its own app id, so parallel test files never collide. */
export function copyExample(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rehearse-${name.replace(/\W/g, '-')}-`));
  cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true });
  return dir;
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], cwd: string): Spawned {
  const child = spawn(BIN, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 120_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const t = setInterval(() => {
        const m = out.match(pattern);
        if (m) return (clearInterval(t), resolve(m));
        if (child.exitCode !== null || Date.now() > deadline) {
          clearInterval(t);
          reject(new Error(`never saw ${pattern}; output:\n${out}`));
        }
      }, 20);
      const deadline = Date.now() + timeoutMs;
    });
  return { child, output: () => out, waitFor, exited };
}
