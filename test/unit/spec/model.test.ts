import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../../src/spec/index.js';

const load = (yaml: string, opts = {}) => loadSpecText('/repo/.do/app.yaml', yaml, opts);
const model = (yaml: string, opts = {}) => {
  const r = load(yaml, opts);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.model!;
};
const src = { github: { repo: 'a/b', branch: 'main' } };
const svc = (extra: string) =>
  `  - name: ${extra}\n    github: {repo: a/b, branch: main}\n    dockerfile_path: Dockerfile\n`;
void src;

describe('routes', () => {
  it('orders longest prefix first and keeps the strip flags', () => {
    const m = model(`name: app
services:
${svc('web')}    routes: [{path: /}]
${svc('api')}    routes: [{path: /api}]
${svc('admin')}    routes: [{path: /api/admin, preserve_path_prefix: true}]
`);
    expect(m.routes.map((r) => [r.prefix, r.component, r.preservePathPrefix])).toEqual([
      ['/api/admin', 'admin', true],
      ['/api', 'api', false],
      ['/', 'web', false],
    ]);
  });
  it('uses ingress rules, with rewrite and redirect, instead of component routes', () => {
    const m = model(`name: app
services:
${svc('api')}
ingress:
  rules:
    - match: {path: {prefix: /v1}}
      component: {name: api, rewrite: /api/v1}
    - match: {path: {prefix: /old}}
      redirect: {uri: /new, redirect_code: 301}
`);
    expect(m.routes.find((r) => r.prefix === '/v1')).toMatchObject({ component: 'api', rewrite: '/api/v1' });
    expect(m.routes.find((r) => r.prefix === '/old')?.redirect).toMatchObject({ uri: '/new', code: 301 });
  });
  it('serves the only service at / when the spec has no routes', () => {
    expect(model(`name: app\nservices:\n${svc('web')}`).routes).toMatchObject([{ prefix: '/', component: 'web' }]);
  });
});

describe('env scoping and defaults', () => {
  const m = model(`name: app
envs:
  - {key: SHARED, value: app-level}
  - {key: LOG, value: info}
services:
${svc('web')}    envs:
      - {key: LOG, value: debug}
      - {key: BUILD_ONLY, value: b, scope: BUILD_TIME}
      - {key: RUN_ONLY, value: r, scope: RUN_TIME}
`);
  const web = m.components[0]!;
  const run = Object.fromEntries(web.env.map((e) => [e.key, e.value]));
  const build = Object.fromEntries(web.buildEnv.map((e) => [e.key, e.value]));
  it('splits run and build env by scope', () => {
    expect(run).toMatchObject({ SHARED: 'app-level', RUN_ONLY: 'r' });
    expect(run.BUILD_ONLY).toBeUndefined();
    expect(build).toMatchObject({ SHARED: 'app-level', BUILD_ONLY: 'b' });
    expect(build.RUN_ONLY).toBeUndefined();
    expect(web.buildOnlyKeys).toEqual(['BUILD_ONLY']);
  });
  it('lets the component-level variable win over the app-level one', () => expect(run.LOG).toBe('debug'));
  it('injects PORT = http_port (default 8080) unless the spec sets PORT', () => {
    expect(run.PORT).toBe('8080');
    expect(web.httpPort).toBe(8080);
    const m2 = model(
      `name: app\nservices:\n${svc('web')}    http_port: 3000\n    envs: [{key: PORT, value: "5000"}]\n`,
    );
    expect(m2.components[0]!.env.filter((e) => e.key === 'PORT').map((e) => e.value)).toEqual(['5000']);
  });
  it('fills health checks, size and termination from the profile', () => {
    expect(web.health).toMatchObject({
      kind: 'tcp',
      port: 8080,
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 9,
    });
    expect(web.size).toMatchObject({ slug: 'apps-s-1vcpu-0.5gb', memory_mib: 512, usd_per_month: 5 });
    expect([web.drainSeconds, web.graceSeconds, web.instanceCount]).toEqual([15, 120, 1]);
  });
  it('resolves paths against the repository root that holds .do/', () => {
    expect(web.build).toMatchObject({ kind: 'dockerfile', context: '/repo', dockerfile: '/repo/Dockerfile' });
  });
});

describe('bindable variables', () => {
  const m = model(
    `name: app
envs: [{key: BASE, value: "\${APP_URL}/x"}]
databases: [{name: db, engine: PG}]
services:
${svc('web')}    envs:
      - {key: API, value: "\${api.PRIVATE_URL}"}
      - {key: DB, value: "\${db.DATABASE_URL}"}
      - {key: SELF, value: "\${_self.PUBLIC_URL}"}
      - {key: TOKEN_COPY, value: "\${api.TOKEN}"}
${svc('api')}    http_port: 9000
    envs: [{key: TOKEN, value: t0k3n}]
    routes: [{path: /api}]
`,
    { appUrl: 'http://127.0.0.1:8080' },
  );
  const run = Object.fromEntries(m.components[0]!.env.map((e) => [e.key, e.value]));
  it('resolves app, component and database bindables to local values', () => {
    // Production's form: the platform's default domain, https, no port (the router's address is not the app's).
    expect(run.BASE).toMatch(/^https:\/\/app-[0-9a-z]{5}\.ondigitalocean\.app\/x$/);
    expect(run.API).toBe('http://api:9000');
    expect(run.DB).toBe('postgresql://doadmin:generated-at-up@db:25060/defaultdb?sslmode=require');
    expect(run.SELF).toBe(run.BASE!.replace(/x$/, ''));
    expect(run.TOKEN_COPY).toBe('t0k3n');
  });
  it("${APP_DOMAIN} and ${APP_URL} name the spec's PRIMARY domain when it has one", () => {
    const d = model(
      `name: app\ndomains: [{domain: www.example.com, type: ALIAS}, {domain: Example.com, type: PRIMARY}]\nservices:\n${svc('web')}    envs: [{key: D, value: "\${APP_DOMAIN}"}, {key: U, value: "\${APP_URL}"}]\n`,
    );
    expect(d.domain).toBe('example.com');
    expect(d.components[0]!.env.filter((e) => e.key === 'D' || e.key === 'U').map((e) => e.value)).toEqual([
      'example.com',
      'https://example.com',
    ]);
  });
  it('takes SECRETs without a value from the given env, and warns (validate) or fails (up) without one', () => {
    const spec = `name: app\nservices:\n${svc('web')}    envs: [{key: KEY, type: SECRET}, {key: ENC, type: SECRET, value: "EV[1:abc:def]"}]\n`;
    const given = model(spec, { env: { KEY: 'k', ENC: 'e' } });
    expect(given.components[0]!.env.filter((e) => e.secret).map((e) => e.value)).toEqual(['k', 'e']);
    const warn = load(spec);
    expect(warn.ok).toBe(true);
    expect(warn.diagnostics.filter((d) => d.code === 'missing-secret').map((d) => d.severity)).toEqual([
      'info',
      'info',
    ]);
    const strict = load(spec, { strictSecrets: true });
    expect(strict.ok).toBe(false);
    expect(strict.diagnostics.find((d) => d.code === 'missing-secret')?.hint).toMatch(/KEY=\.\.\. in .*\.env/);
  });
});

describe('semantic checks', () => {
  const codes = (yaml: string) => load(yaml).diagnostics.map((d) => `${d.severity}:${d.code}`);
  it('names are unique across kinds', () =>
    expect(codes(`name: app\nservices:\n${svc('x1')}workers:\n${svc('x1')}`)).toContain('error:duplicate-name'));
  it('one component per route path', () =>
    expect(
      codes(`name: app\nservices:\n${svc('a1')}    routes: [{path: /api}]\n${svc('b1')}    routes: [{path: /api/}]\n`),
    ).toContain('error:duplicate-route'));
  it('instance_count with autoscaling', () =>
    expect(
      codes(
        `name: app\nservices:\n${svc('a1')}    instance_count: 2\n    autoscaling: {min_instance_count: 1, max_instance_count: 3}\n`,
      ),
    ).toContain('warning:count-and-autoscaling'));
  it('more than one source', () =>
    expect(
      codes(`name: app\nservices:\n${svc('a1')}    image: {registry_type: DOCKER_HUB, repository: nginx}\n`),
    ).toContain('error:many-sources'));
  it('scheduled jobs need a cron', () => {
    expect(codes(`name: app\njobs:\n${svc('j1')}    kind: SCHEDULED\n`)).toContain('error:missing-schedule');
    expect(
      codes(`name: app\njobs:\n${svc('j1')}    kind: SCHEDULED\n    schedule: {cron: "*/5 * * * *", time_zone: UTC}\n`),
    ).toEqual([]);
  });
  it('references to missing components (a warning), and unknown instance sizes with a suggestion', () => {
    const r = load(
      `name: app\nservices:\n${svc('web')}    instance_size_slug: apps-s-1vcpu-1g\n    envs: [{key: X, value: "\${wbe.PRIVATE_URL}"}]\n`,
    );
    expect(r.diagnostics.find((d) => d.code === 'unresolved-reference')?.hint).toBe('did you mean "web"?');
    expect(r.diagnostics.find((d) => d.code === 'unknown-size')?.hint).toMatch(/nearest size .* is apps-s-1vcpu-1gb /);
  });
  it('ingress rules that name no routable component', () =>
    expect(
      codes(
        `name: app\nworkers:\n${svc('w1')}ingress:\n  rules: [{match: {path: {prefix: /}}, component: {name: w1}}]\n`,
      ),
    ).toContain('error:bad-reference'));
  it('health-check numbers out of range', () =>
    expect(codes(`name: app\nservices:\n${svc('a1')}    health_check: {period_seconds: 0}\n`)).toContain(
      'error:out-of-range',
    ));
  it('reports every problem, not just the first', () => {
    const r = load(`name: app\nservices:\n  - name: A_B\n    htp_port: 1\n    instance_count: two\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error').length).toBeGreaterThanOrEqual(3);
  });
  it('functions, domains and alerts are accepted and reported as not emulated', () => {
    const m = model(
      `name: app\nservices:\n${svc('web')}functions:\n  - {name: fn, github: {repo: a/b}}\ndomains: [{domain: example.com}]\nalerts: [{rule: DEPLOYMENT_FAILED}]\n`,
    );
    expect(m.notEmulated.join('\n')).toMatch(/functions.*\n.*domains[\s\S]*alerts/);
  });
});

describe('source_dir and dockerfile_path: relative to the repository root in every form real specs use', () => {
  const contextOf = (sourceDir: string, dockerfile = 'Dockerfile') => {
    const m = model(
      `name: app\nservices:\n  - name: web\n    github: {repo: a/b, branch: main}\n    source_dir: ${JSON.stringify(sourceDir)}\n    dockerfile_path: ${JSON.stringify(dockerfile)}\n`,
    );
    const b = m.components[0]!.build;
    return b.kind === 'dockerfile' ? [b.context, b.dockerfile] : [];
  };
  it.each([
    ['/', '/repo'],
    ['.', '/repo'],
    ['./', '/repo'],
    ['/backend', '/repo/backend'],
    ['./backend', '/repo/backend'],
    ['backend', '/repo/backend'],
    ['/src/', '/repo/src'],
  ])('source_dir %j is %s', (form, want) => {
    expect(contextOf(form)[0]).toBe(want);
  });
  it('a dockerfile_path with a leading slash is in the repository too', () => {
    expect(contextOf('/', '/api/Dockerfile')[1]).toBe('/repo/api/Dockerfile');
  });
});
