/**
 * How the published command starts: package.json's bin is a Node script that imports the built CLI. It must work
 * the two ways users get it: linked by npm into node_modules/.bin (test/helpers/cli.ts), and installed from the
 * package's tarball (`npm pack`, then `npm ci` in another project, then `npx rehearse`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};
const HELLO = path.join(ROOT, 'examples/hello/.do/app.yaml');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

it('the linked command answers --version and validates a spec', () => {
  const v = cli(['--version']);
  expect(v.stdout.trim(), v.stderr).toBe(pkg.version);
  expect(v.status).toBe(0);
  const ok = cli(['validate', '--spec', HELLO]);
  expect(ok.stdout, ok.stderr).toMatch(/valid/);
  expect(ok.status).toBe(0);
});

it('the packed tarball installs into another project and `npx rehearse` runs there', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-pack-'));
  dirs.push(dir);
  // The test run has built dist/ already (npm test's pretest); packing only collects the files.
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(pack.status, pack.stderr).toBe(0);
  const tgz = pack.stdout.trim().split('\n').pop()!;
  // The consumer's lockfile pins the tarball and this project's own locked dependencies, so `npm ci --offline`
  // installs from npm's cache (filled by this checkout's `npm ci`): no test traffic leaves the machine.
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean }>;
  };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { rehearse: `file:${tgz}` } },
    'node_modules/rehearse': {
      version: pkg.version,
      resolved: `file:${tgz}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [k, v] of Object.entries(lock.packages)) if (k && !v.dev && !v.link) packages[k] = v;
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, dependencies: { rehearse: `file:${tgz}` } }),
  );
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }),
  );
  const install = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(install.status, install.stderr).toBe(0);
  const npx = (args: string[]) =>
    spawnSync('npx', ['--offline', 'rehearse', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
  const v = npx(['--version']);
  expect(v.stdout.trim(), v.stderr).toBe(pkg.version);
  const ok = npx(['validate', '--spec', HELLO]);
  expect(ok.stdout, ok.stderr).toMatch(/valid/);
  expect(ok.status).toBe(0);
});
