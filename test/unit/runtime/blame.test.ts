import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../src/profile/profile.js';
import { healthStatusHint, shellExit, unreachableHost, whyUnreachable } from '../../../src/runtime/blame.js';
import { diagnose } from '../../../src/runtime/diagnose.js';
import { loadSpecText } from '../../../src/spec/index.js';

const model = loadSpecText(
  '/r/.do/app.yaml',
  `name: app
services:
  - {name: api, github: {repo: a/b}, dockerfile_path: Dockerfile}
workers:
  - {name: queue, github: {repo: a/b}, dockerfile_path: Dockerfile}
databases:
  - {name: db, engine: PG}
`,
).model!;

describe('health answers', () => {
  it('400 blames the Host check, 404 the path, 5xx the app', () => {
    expect(healthStatusHint(400, '/healthz')).toMatch(/Host check .*ALLOWED_HOSTS/);
    expect(healthStatusHint(404, '/healthz')).toMatch(/http_path \/healthz is not a path the app serves/);
    expect(healthStatusHint(503, '/healthz')).toMatch(/failed while answering GET \/healthz \(503\)/);
    expect(healthStatusHint(401, '/healthz')).toMatch(/requires a login/);
  });
});

describe('hosts a job could not reach', () => {
  it('reads the host from Node, libpq and Python errors', () => {
    expect(unreachableHost(['Error: getaddrinfo ENOTFOUND db'])).toMatchObject({ host: 'db', how: 'not resolved' });
    expect(unreachableHost(['could not translate host name "db" to address: Name or service not known'])).toMatchObject(
      { host: 'db' },
    );
    expect(unreachableHost(['connect ECONNREFUSED api:8080'])).toMatchObject({
      host: 'api',
      port: 8080,
      how: 'refused',
    });
    expect(unreachableHost(['all fine'])).toBeUndefined();
  });
  it('says why: a database not running, a service not up before PRE_DEPLOY, a worker without a name, an unknown name', () => {
    const t = (host: string) => ({ host, how: 'not resolved' });
    expect(whyUnreachable(model, 'the job "m"', t('db'), 'PRE_DEPLOY')).toMatch(
      /the spec's PG database "db"\. Connect with its bindable variables/,
    );
    expect(whyUnreachable(model, 'the job "m"', t('api'), 'PRE_DEPLOY')).toMatch(
      /PRE_DEPLOY jobs run before any service starts/,
    );
    expect(whyUnreachable(model, 'the job "m"', t('queue'), 'run')).toMatch(
      /"queue" is a worker, and only services get a name/,
    );
    expect(whyUnreachable(model, 'the job "m"', t('redis'), 'run')).toMatch(
      /no component or database of the spec has that name/,
    );
  });
});

describe('exit 126 and 127', () => {
  const end = (exitCode: number) => ({
    exitCode,
    oomKilled: false,
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:00:01Z',
  });
  const worker = model.components.find((c) => c.name === 'queue')!;
  it('name "not executable" and "not found", with the program', () => {
    expect(shellExit(127, ['/bin/sh: 1: celery: not found'])).toMatch(/^its command celery was not found/);
    expect(shellExit(126, ['/bin/sh: 1: ./start.sh: Permission denied'])).toMatch(
      /^its command \.\/start\.sh is not executable/,
    );
    expect(shellExit(1, [])).toBeUndefined();
    const d = diagnose(worker, 'queue-1', end(127), ['/bin/sh: 1: celery: not found'], loadProfile());
    expect(d.summary).toMatch(/^queue-1 exited with code 127 after 1\.0s: its command celery was not found/);
  });
});
