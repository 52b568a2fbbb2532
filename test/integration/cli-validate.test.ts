/** The built CLI as a subprocess: exit codes 0 valid, 1 invalid, 2 usage; --json is machine-readable. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
  // 07-unknown-binding.yaml was the case here until issue 12 made its dangling reference a warning.
  const r = cli('up', '--spec', path.join(CORPUS, 'invalid/01-unknown-key-typo.yaml'), '--port', '0');
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/SPEC_INVALID/);
  expect(r.stderr).toMatch(/01-unknown-key-typo.yaml:7/);
});

describe('validate --json on the shapes real specs have (issue 12)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-validate-'));
  const validate = (name: string, yaml: string) => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, yaml);
    const r = cli('validate', '--json', '--spec', file);
    return { status: r.status, diagnostics: JSON.parse(r.stdout) as Record<string, unknown>[] };
  };
  const web = `name: app\nservices:\n  - name: web\n    github: {repo: a/b, branch: main}\n`;
  const pick = (ds: Record<string, unknown>[], code: string) =>
    ds.filter((d) => d.code === code).map((d) => ({ severity: d.severity, line: d.line }));

  it('value: off is refused at its line, with the quoted form as the fix', () => {
    const r = validate('off', `${web}    envs:\n      - key: DEBUG\n        value: off\n`);
    expect(r.status).toBe(1);
    expect(pick(r.diagnostics, 'wrong-type')).toEqual([{ severity: 'error', line: 7 }]);
    expect(r.diagnostics[0]!.hint).toBe('quote it: value: "off"');
  });

  it('a reference to a name that is no component is a warning: exit 0', () => {
    const r = validate('ref', `${web}    envs:\n      - key: API\n        value: \${django-backend.PUBLIC_URL}\n`);
    expect(r.status).toBe(0);
    expect(pick(r.diagnostics, 'unresolved-reference')).toEqual([{ severity: 'warning', line: 7 }]);
  });

  it('two instances of a single-instance size, and a REDIS dev database, are refused', () => {
    const r = validate(
      'scale',
      `${web}    instance_size_slug: basic-xs\n    instance_count: 2\ndatabases:\n  - name: cache\n    engine: REDIS\n`,
    );
    expect(r.status).toBe(1);
    expect(pick(r.diagnostics, 'single-instance-size')).toEqual([{ severity: 'error', line: 6 }]);
    expect(pick(r.diagnostics, 'dev-database-engine')).toEqual([{ severity: 'error', line: 9 }]);
  });

  it('a SECRET shared by two components is one info line: exit 0', () => {
    const secret = '    envs: [{key: API_KEY, type: SECRET}]\n';
    const r = validate('secret', `${web}${secret}  - name: api\n    github: {repo: a/b, branch: main}\n${secret}`);
    expect(r.status).toBe(0);
    expect(pick(r.diagnostics, 'missing-secret')).toEqual([{ severity: 'info', line: 5 }]);
  });
});
