/** The built CLI as a subprocess: exit codes 0 valid, 1 invalid, 2 usage; --json is machine-readable. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { CORPUS, ROOT } from '../helpers/paths.js';

const cli = (...args: string[]) =>
  spawnSync(path.join(ROOT, 'bin/rehearse'), args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

it('validate exits 0 on a valid spec', () => {
  const r = cli('validate', '--spec', 'examples/hello/.do/app.yaml', '--files');
  expect(r.stdout).toMatch(/✔ valid/);
  expect(r.status).toBe(0);
});

it('validate exits 1 on an invalid spec and names file, line and fix', () => {
  const r = cli('validate', '--spec', path.join(CORPUS, 'invalid/01-unknown-key-typo.yaml'));
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/01-unknown-key-typo.yaml:7:5 +error +unknown key "htp_port": did you mean "http_port"\?/);
  expect(r.stdout).toMatch(/fix: rename "htp_port" to "http_port"/);
});

it('validate --json prints the documented fields', () => {
  const r = cli('validate', '--json', '--spec', path.join(CORPUS, 'invalid/04-port-out-of-range.yaml'));
  expect(r.status).toBe(1);
  const [d] = JSON.parse(r.stdout) as Record<string, unknown>[];
  expect(Object.keys(d!).sort()).toEqual(['code', 'column', 'file', 'hint', 'line', 'message', 'path', 'severity']);
  expect(d).toMatchObject({ line: 7, path: 'services.0.http_port', severity: 'error' });
});

it('usage errors exit 2 without a stack trace', () => {
  const r = cli('validate', '--no-such-flag');
  expect(r.status).toBe(2);
  const missing = cli('validate', '--spec', 'nope.yaml');
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/SPEC_NOT_FOUND/);
  expect(missing.stderr).not.toMatch(/    at /);
});

it('up with an invalid spec exits 2 and starts nothing', () => {
  const r = cli('up', '--spec', path.join(CORPUS, 'invalid/07-unknown-binding.yaml'), '--port', '0');
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/SPEC_INVALID/);
  expect(r.stderr).toMatch(/07-unknown-binding.yaml:9/);
});
