import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './paths.js';

/**
 * The published command as npm links it for a project that depends on rehearse: node_modules/.bin/rehearse is a
 * relative symlink to ../rehearse/bin/rehearse, and node_modules/rehearse is the package (here, this checkout).
 */
function npmLinkedBin(): string {
  const dir = path.join(os.tmpdir(), `rehearse-linked-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`);
  mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  const link = (target: string, at: string) => {
    try {
      symlinkSync(target, path.join(dir, at));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another test file made it first
    }
  };
  link(ROOT, 'node_modules/rehearse');
  link('../rehearse/bin/rehearse', 'node_modules/.bin/rehearse');
  return path.join(dir, 'node_modules/.bin/rehearse');
}

/** The published command (package.json's bin), run as users run it. */
export const BIN = npmLinkedBin();

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
