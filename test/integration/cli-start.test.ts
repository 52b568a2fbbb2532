/**
 * How the published command starts: bin/rehearse (sh) runs Node on bin/rehearse.cjs, which compiles the bundled
 * CLI with V8's code cache. A cache that is missing, damaged or made by another V8 must never break a start.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A private copy of the entry and the bundle (never the shared dist/, which parallel tests use). */
function install() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-start-'));
  mkdirSync(path.join(dir, 'dist/cli'), { recursive: true });
  cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(ROOT, 'dist/cli/main.bundle.cjs'), path.join(dir, 'dist/cli/main.bundle.cjs'));
  // The bundle requires a few dependencies from node_modules (the rare paths it leaves out).
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const caches = () => readdirSync(path.join(dir, 'dist/cli')).filter((f) => f.endsWith('.cache'));
  const run = (env: Record<string, string> = {}) =>
    spawnSync(path.join(dir, 'bin/rehearse'), ['--version'], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { dir, caches, run };
}

it('the build leaves a code cache beside the bundle', () => {
  expect(readdirSync(path.join(ROOT, 'dist/cli')).some((f) => /^main\.bundle\.cjs\..*\.cache$/.test(f))).toBe(true);
});

it('starts without a cache and leaves one; starts from a damaged cache and replaces it', () => {
  const { dir, caches, run } = install();
  expect(caches()).toEqual([]);
  const first = run();
  expect(first.stdout.trim(), first.stderr).toBe(VERSION);
  expect(first.status).toBe(0);
  expect(caches()).toHaveLength(1);
  const file = path.join(dir, 'dist/cli', caches()[0]!);
  writeFileSync(file, Buffer.alloc(4096, 7));
  const damaged = run();
  expect(damaged.stdout.trim()).toBe(VERSION);
  expect(damaged.status).toBe(0);
  expect(readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
  // No half-written cache is left behind.
  expect(readdirSync(path.join(dir, 'dist/cli')).filter((f) => /\.cache\.\d+$/.test(f))).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

it('drops NODE_EXTRA_CA_CERTS for a local engine, and keeps it for a Docker host over TCP', () => {
  const { dir, run } = install();
  // Node warns on stderr when it cannot load the extra certificates: it only tries when the variable is set.
  const missing = path.join(dir, 'no-such-ca.pem');
  expect(existsSync(missing)).toBe(false);
  const local = run({ NODE_EXTRA_CA_CERTS: missing, DOCKER_HOST: '' });
  expect(local.status).toBe(0);
  expect(local.stderr).not.toMatch(/extra certs/i);
  const remote = run({ NODE_EXTRA_CA_CERTS: missing, DOCKER_HOST: 'tcp://docker.example:2376' });
  expect(remote.status).toBe(0);
  expect(remote.stderr).toMatch(/extra certs/i);
  rmSync(dir, { recursive: true, force: true });
});
