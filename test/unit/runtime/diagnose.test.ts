/** The crash diagnosis, pure: how an instance ended and its last lines in, one summary with cause and fix out. */
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../src/profile/profile.js';
import { diagnose, knownFix, rootCause, signalOf, type ContainerEnd } from '../../../src/runtime/diagnose.js';
import { loadSpecText } from '../../../src/spec/index.js';

const profile = loadProfile();
const web = loadSpecText(
  '/repo/.do/app.yaml',
  `name: app
services:
  - name: web
    github: {repo: a/b, branch: main}
    dockerfile_path: Dockerfile
    instance_size_slug: apps-s-1vcpu-0.5gb
    envs:
      - {key: DATABASE_URL, value: postgres://db, scope: RUN_TIME}
      - {key: NPM_TOKEN, value: x, scope: BUILD_TIME}
`,
).model!.components[0]!;

const end = (exitCode: number, oomKilled = false): ContainerEnd => ({
  exitCode,
  oomKilled,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:02.500Z',
});

describe('diagnose', () => {
  it.each<[string, ContainerEnd, string[], RegExp]>([
    [
      'an OOM kill names the limit and a size that fits',
      end(137, true),
      [],
      /^web-1 ran out of memory: killed at the 512 MiB limit of apps-s-1vcpu-0\.5gb\. .*instance_size_slug: apps-s-1vcpu-1gb-fixed \(1024 MiB, \$10\/month\)/,
    ],
    ['a signal is named, with the run time', end(143), [], /^web-1 was killed by SIGTERM \(exit 143\) after 2\.5s\.$/],
    ['a plain exit with nothing known', end(3), ['starting', 'bye'], /^web-1 exited with code 3 after 2\.5s\.$/],
    [
      'the root exception comes first',
      end(1),
      ['Traceback (most recent call last):', '  File "app.py", line 1', "KeyError: 'SECRET_KEY'"],
      /^web-1 exited with code 1 after 2\.5s: KeyError: 'SECRET_KEY'\. SECRET_KEY is not set at run time/,
    ],
    [
      'a Node error is a root cause',
      end(1),
      ['    at Server.listen', 'Error: listen EADDRINUSE: address already in use :::8080'],
      /: Error: listen EADDRINUSE: address already in use :::8080\.$/,
    ],
  ])('%s', (_what, e, lines, summary) => {
    const d = diagnose(web, 'web-1', e, lines, profile);
    expect(d.summary).toMatch(summary);
    expect(d).toMatchObject({ component: 'web', instance: 'web-1', exitCode: e.exitCode, ranSeconds: 2.5 });
  });

  it('keeps the last 30 lines', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    expect(diagnose(web, 'web-1', end(1), lines, profile).logTail).toEqual(lines.slice(-30));
  });
});

describe('knownFix', () => {
  it.each<[string, string[], RegExp | undefined]>([
    [
      "gunicorn's worker tmp dir",
      [
        '[INFO] Booting worker with pid: 8',
        'PermissionError: [Errno 1] Operation not permitted',
        'os.fchmod(...)  gunicorn',
      ],
      /--worker-tmp-dir \/dev\/shm/,
    ],
    ['a BUILD_TIME-only key read at run time', ["KeyError: 'NPM_TOKEN'"], /NPM_TOKEN is scoped BUILD_TIME/],
    [
      'a key the spec never sets',
      ['Error: the STRIPE_KEY environment variable is required'],
      /STRIPE_KEY is not set at run time: add it to web's envs/,
    ],
    ['a key the spec sets is not blamed', ["KeyError: 'DATABASE_URL'"], undefined],
    [
      'a write on a read-only filesystem',
      ["OSError: [Errno 30] Read-only file system: '/app/uploads'"],
      /use \/dev\/shm for scratch files/,
    ],
    ['an unknown crash', ['Segmentation fault'], undefined],
  ])('%s', (_what, lines, fix) => {
    const got = knownFix(web, lines);
    if (fix) expect(got).toMatch(fix);
    else expect(got).toBeUndefined();
  });
});

describe('rootCause and signalOf', () => {
  it.each([
    [
      ['django.core.exceptions.ImproperlyConfigured: SECRET_KEY must not be empty'],
      'django.core.exceptions.ImproperlyConfigured: SECRET_KEY must not be empty',
    ],
    [['TypeError: x is not a function', '    at main.js:1'], 'TypeError: x is not a function'],
    [['all good'], undefined],
  ])('%j -> %s', (lines, cause) => expect(rootCause(lines)).toBe(cause));

  it.each([
    [137, 'SIGKILL'],
    [143, 'SIGTERM'],
    [1, undefined],
    [128, undefined],
  ])('exit %i is %s', (code, signal) => expect(signalOf(code)).toBe(signal));
});
