/**
 * Issue 12, the rules' half: references the platform may leave alone (warnings that say what is known), rules read
 * from the profile (single-instance sizes, dev-database engines, sizes by memory and CPU), one note per missing
 * secret. Each case is a minimal spec of the shape seen in real specs.
 */
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../src/profile/profile.js';
import { loadSpecText, type Diagnostic } from '../../../src/spec/index.js';

const load = (yaml: string, opts = {}) => loadSpecText('/repo/.do/app.yaml', yaml, opts);
const only = (yaml: string, code: string, opts = {}) => load(yaml, opts).diagnostics.filter((d) => d.code === code);
const at = (d: Diagnostic | undefined) => d && [d.severity, d.line];
const svc = (name: string, lines = '') => `  - name: ${name}\n    github: {repo: a/b, branch: main}\n${lines}`;

describe('references the platform does not document: warnings, as ${NAME}', () => {
  it('a scoped reference to a name that is no component', () => {
    const r = load(
      `name: app\nservices:\n${svc('web', '    envs:\n      - key: API\n        value: ${django-backend.PUBLIC_URL}\n')}`,
    );
    expect(r.ok).toBe(true);
    const d = r.diagnostics.find((x) => x.code === 'unresolved-reference');
    expect(at(d)).toEqual(['warning', 7]);
    expect(d!.message).toMatch(/"django-backend", which is no component or database of this app/);
    expect(d!.message).toMatch(/not documented, and rehearse leaves the text as written/);
  });

  it('a component bindable the component does not offer', () => {
    const r = load(
      `name: app\nservices:\n${svc('web', '    envs:\n      - key: HOST\n        value: ${deepwell.HOSTNAME}\n')}${svc('deepwell')}`,
    );
    expect(r.ok).toBe(true);
    const d = r.diagnostics.find((x) => x.code === 'unresolved-reference');
    expect(at(d)).toEqual(['warning', 7]);
    expect(d!.message).toMatch(/component "deepwell" offers no bindable or env named HOSTNAME: App Platform documents/);
  });
});

describe('rules read from the profile', () => {
  it('more than one instance of a single_instance_only size is refused, with a size that scales', () => {
    const [d, ...rest] = only(
      `name: app\nservices:\n${svc('web', '    instance_size_slug: basic-xs\n    instance_count: 2\n')}`,
      'single-instance-size',
    );
    expect(rest).toEqual([]);
    expect(at(d)).toEqual(['error', 6]);
    expect(d!.message).toBe(
      'service "web" asks for 2 instances of basic-xs, a size DigitalOcean App Platform runs one instance of',
    );
    expect(d!.hint).toMatch(/the nearest is apps-s-1vcpu-1gb \(1 GiB/);
    expect(
      only(
        `name: app\nservices:\n${svc('web', '    instance_size_slug: apps-s-1vcpu-1gb\n    instance_count: 2\n')}`,
        'single-instance-size',
      ),
    ).toEqual([]);
  });

  it('without a size the default is single-instance too, but what the platform does is not documented: a warning', () => {
    const [d] = only(`name: app\nworkers:\n${svc('w1', '    instance_count: 3\n')}`, 'single-instance-size');
    expect(at(d)).toEqual(['warning', 5]);
    expect(d!.message).toMatch(/not documented/);
  });

  it('the Heroku profile has its own single-instance sizes', () => {
    const heroku = { profile: loadProfile('heroku') };
    const spec = (size: string) =>
      `name: app\nservices:\n${svc('web', `    instance_size_slug: ${size}\n    instance_count: 2\n`)}`;
    expect(only(spec('eco'), 'single-instance-size', heroku).map(at)).toEqual([['error', 6]]);
    expect(only(spec('standard-1x'), 'single-instance-size', heroku)).toEqual([]);
  });

  it('a dev database of an engine other than PG is refused; production: true is fine', () => {
    const [d] = only(`name: app\ndatabases:\n  - name: cache\n    engine: REDIS\n`, 'dev-database-engine');
    expect(at(d)).toEqual(['error', 4]);
    expect(d!.message).toMatch(
      /dev database .* of engine REDIS, and DigitalOcean App Platform offers dev databases for PG only/,
    );
    const prod = `name: app\ndatabases:\n  - {name: cache, engine: REDIS, production: true, cluster_name: c1}\n  - {name: db}\n`;
    expect(only(prod, 'dev-database-engine')).toEqual([]);
  });

  it('the Heroku profile lists its own dev-database engines', () => {
    const spec = `name: app\ndatabases:\n  - {name: cache, engine: REDIS}\n  - {name: docs, engine: MONGODB}\n`;
    const codes = only(spec, 'dev-database-engine', { profile: loadProfile('heroku') });
    expect(codes.map((d) => d.message)).toEqual([expect.stringMatching(/"docs" .* engine MONGODB, and Heroku/)]);
  });

  it('an unknown size is answered with the nearest size by memory and CPU, not by spelling', () => {
    const hint = (slug: string) =>
      only(`name: app\nservices:\n${svc('web', `    instance_size_slug: ${slug}\n`)}`, 'unknown-size')[0]?.hint;
    // One letter from basic-xs, sixteen times its memory.
    expect(hint('basic-xl')).toMatch(/basic-xl reads as 16 GiB; the nearest size .* is apps-d-4vcpu-16gb /);
    expect(hint('basic-xl')).not.toMatch(/basic-xs/);
    expect(hint('apps-s-1vcpu-512mb')).toMatch(/nearest size by memory and CPU is apps-s-1vcpu-0\.5gb /);
    expect(hint('apps-d-2vcpu-8g')).toMatch(/is apps-d-2vcpu-8gb /);
    expect(hint('huge')).toMatch(/^use one of apps-s-1vcpu-0\.5gb/);
  });
});

describe('missing secrets: once per key, as information', () => {
  const spec = `name: app\nservices:\n${svc('web', '    envs: [{key: API_KEY, type: SECRET}]\n')}workers:\n${svc('w1', '    envs: [{key: API_KEY, type: SECRET}]\n')}`;
  it('validate says it once, as info, and the spec is valid', () => {
    const r = load(spec);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.code === 'missing-secret').map(at)).toEqual([['info', 5]]);
  });
  it('up still needs the value', () => {
    const r = load(spec, { strictSecrets: true });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.code === 'missing-secret').map(at)).toEqual([['error', 5]]);
  });
});
