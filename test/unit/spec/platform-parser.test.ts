/**
 * Issue 12, the parser's half: the spec read as the platform's parser reads it (doctl: YAML 1.1 into godo's
 * structs), and messages that say what is wrong. Each case is a minimal spec of the shape seen in real specs.
 */
import { describe, expect, it } from 'vitest';
import { loadSpecText, type Diagnostic } from '../../../src/spec/index.js';
import { goYamlScalar } from '../../../src/spec/yaml11.js';

const load = (yaml: string) => loadSpecText('/repo/.do/app.yaml', yaml);
const only = (yaml: string, code: string) => load(yaml).diagnostics.filter((d) => d.code === code);
const at = (d: Diagnostic | undefined) => d && [d.severity, d.line];
const web = (lines: string) => `name: app\nservices:\n  - name: web\n    github: {repo: a/b, branch: main}\n${lines}`;

describe('scalars typed as godo types them', () => {
  it('an env value written as a number is refused, with the quoted form as the fix', () => {
    const [d, ...rest] = only(web('    envs:\n      - key: PORT_HINT\n        value: 80\n'), 'wrong-type');
    expect(rest).toEqual([]);
    expect(at(d)).toEqual(['error', 7]);
    expect(d!.message).toMatch(/value must be a string.*80 as the number 80.*doctl refuses it/);
    expect(d!.hint).toBe('quote it: value: "80"');
  });

  it('value: off is the YAML 1.1 boolean false: refused, and the app never gets "off"', () => {
    const r = load(
      web('    envs:\n      - key: DEBUG\n        value: off\n      - key: TIMEOUT\n        value: 3000\n'),
    );
    const errors = r.diagnostics.filter((d) => d.code === 'wrong-type');
    expect(errors.map(at)).toEqual([
      ['error', 7],
      ['error', 9],
    ]);
    expect(errors[0]!.message).toMatch(
      /\(YAML 1\.1\) reads off as the boolean false.*deploy action would pass "false"/,
    );
    expect(errors.map((d) => d.hint)).toEqual(['quote it: value: "off"', 'quote it: value: "3000"']);
    expect(r.ok).toBe(false);
    const env = r.model?.components[0]?.env.find((e) => e.key === 'DEBUG');
    expect(env?.value).not.toBe('off');
  });

  it('the quoted forms are accepted as written', () => {
    const r = load(web('    envs:\n      - {key: A, value: "80"}\n      - {key: B, value: "off"}\n'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model!.components[0]!.env.filter((e) => ['A', 'B'].includes(e.key)).map((e) => e.value)).toEqual([
      '80',
      'off',
    ]);
  });

  it('other string fields real specs write as numbers: a database version, a CORS max_age', () => {
    const db = only(`name: app\ndatabases:\n  - name: db\n    engine: PG\n    version: 16\n`, 'wrong-type');
    expect(db.map(at)).toEqual([['error', 5]]);
    expect(db[0]!.hint).toBe('quote it: version: "16"');
    const cors = only(web('    cors: {max_age: 86400}\n'), 'wrong-type');
    expect(cors.map(at)).toEqual([['error', 5]]);
    expect(cors[0]!.hint).toMatch(/duration in quotes/);
  });

  it('a list item is named by its list', () => {
    const [d] = only(web('    cors: {allow_methods: [GET, ON]}\n'), 'wrong-type');
    expect(at(d)).toEqual(['error', 5]);
    expect(d!.message).toMatch(/^each item of allow_methods must be a string, but .* reads ON as the boolean true/);
    expect(d!.hint).toBe('quote it: - "ON"');
  });

  it('a boolean field written yes/on is true to the platform, as YAML 1.1 reads it', () => {
    const r = load(
      `name: app\nservices:\n  - name: web\n    github: {repo: a/b, branch: main, deploy_on_push: yes}\n    routes: [{path: /, preserve_path_prefix: on}]\n`,
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model!.routes[0]!.preservePathPrefix).toBe(true);
  });

  it('the checks after a scalar error still run', () => {
    const r = load(
      web('    envs:\n      - {key: A, value: 80}\n    instance_size_slug: basic-xs\n    instance_count: 2\n'),
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['wrong-type', 'single-instance-size']));
  });

  it('resolves plain scalars as gopkg.in/yaml.v2 does', () => {
    const kinds = [
      'off',
      'Yes',
      'y',
      'N',
      '80',
      '1_000',
      '0x1F',
      '0b101',
      '1.5',
      '.5',
      '0.0.0.0',
      '2024-01-01',
      '1:30',
    ];
    expect(kinds.map((k) => goYamlScalar(k).kind)).toEqual([
      'bool',
      'bool',
      'bool',
      'bool',
      'int',
      'int',
      'int',
      'int',
      'float',
      'float',
      'string',
      'string',
      'string',
    ]);
    expect(goYamlScalar('1_000').value).toBe(1000);
  });
});

describe('messages that say what is wrong', () => {
  it('services written as a mapping: "services must be a list", not a Compose file', () => {
    const r = load(`name: app\nservices:\n  name: web\n  github: {repo: a/b, branch: main}\n`);
    expect(r.diagnostics.map((d) => d.code)).not.toContain('not-an-app-spec');
    const d = r.diagnostics.find((x) => x.code === 'wrong-type');
    expect(at(d)).toEqual(['error', 3]);
    expect(d!.message).toMatch(/^services must be a list, got a mapping/);
    expect(d!.hint).toMatch(/put "- " before "name:"/);
    const named = load(`name: app\nservices:\n  web:\n    github: {repo: a/b, branch: main}\n    http_port: 8080\n`);
    expect(named.diagnostics.find((x) => x.code === 'wrong-type')?.hint).toMatch(/"- name: web"/);
  });

  it('a real Compose file is still called one', () => {
    const r = load(`services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n`);
    expect(r.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/looks like a Docker Compose file/)]);
  });

  it('jobs indented into a service belongs at the top level, no "did you mean"', () => {
    const [d, ...rest] = only(web('    jobs:\n      - name: migrate\n        kind: PRE_DEPLOY\n'), 'unknown-key');
    expect(rest).toEqual([]);
    expect(at(d)).toEqual(['error', 5]);
    expect(d!.message).toBe(
      'unknown key "jobs" in service "web": "jobs" belongs at the top level of the spec, as the app\'s jobs:',
    );
    expect(d!.message + d!.hint).not.toMatch(/did you mean/);
    // A key components have too is not sent to the top level.
    const [name] = only(web('    gitlab: {repo: a/b, name: x}\n'), 'unknown-key');
    expect(name!.message).toBe('unknown key "name"');
  });

  it('a duplicate key is named, with its first line, and checking goes on', () => {
    const r = load(web('    http_port: 8080\n    http_port: 8081\n    envs: [{key: A, value: 80}]\n'));
    const dup = r.diagnostics.find((d) => d.code === 'yaml/duplicate-key');
    expect(at(dup)).toEqual(['error', 6]);
    expect(dup!.message).toBe('the key "http_port" appears twice in the same mapping (first on line 5)');
    expect(r.diagnostics.map((d) => d.code)).toContain('wrong-type');
  });

  it('a name suggestion is itself a valid name, or not offered', () => {
    const short = only(`name: M\nservices:\n  - name: Web_App\n    github: {repo: a/b}\n`, 'bad-name');
    expect(short.map(at)).toEqual([
      ['error', 1],
      ['error', 3],
    ]);
    expect(short[0]!.hint).not.toMatch(/try/);
    expect(short[0]!.hint).toMatch(/2-32 lowercase letters/);
    expect(short[1]!.hint).toBe('try "web-app"');
    expect(only(`name: 9-Lives_\n`, 'bad-name')[0]!.hint).toBe('try "lives"');
  });
});
