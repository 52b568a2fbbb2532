/** The parity report, pure: what runs as production does, and what does not, from the profile and the model. */
import { describe, expect, it } from 'vitest';
import { parityReport } from '../../../src/app/parity.js';
import { loadProfile, type Profile } from '../../../src/profile/profile.js';
import { loadSpecText } from '../../../src/spec/index.js';

const production = loadProfile();
const model = loadSpecText(
  '/repo/.do/app.yaml',
  `name: app
services:
  - name: web
    github: {repo: a/b, branch: main}
    dockerfile_path: Dockerfile
    instance_size_slug: apps-s-1vcpu-1gb
static_sites:
  - name: docs
    github: {repo: a/b, branch: main}
`,
).model!;

const report = (profile: Profile = production, routerMode: 'buffering' | 'streaming' = production.router.mode) =>
  parityReport({ profile, production, routerMode, model });

describe('parityReport', () => {
  it.each<[string, () => ReturnType<typeof report>, 'emulated' | 'notEmulated', RegExp]>([
    ["each running component's size", () => report(), 'emulated', /^web: 1024 MiB, 1 CPU \(apps-s-1vcpu-1gb\)/],
    [
      "the edge's production limits",
      () => report(),
      'emulated',
      new RegExp(
        `^edge: ${production.router.mode} router, first byte within ${production.router.first_byte_timeout_seconds} s`,
      ),
    ],
    [
      'a router mode switched by a flag',
      () => report(production, production.router.mode === 'buffering' ? 'streaming' : 'buffering'),
      'notEmulated',
      /^router mode switched to \w+ by a flag \(production: \w+\)$/,
    ],
    [
      'an overridden limit, with both values',
      () => report({ ...production, router: { ...production.router, first_byte_timeout_seconds: 2 } }),
      'notEmulated',
      new RegExp(
        `^router\\.first_byte_timeout_seconds overridden: 2 here, ${production.router.first_byte_timeout_seconds} in production$`,
      ),
    ],
    [
      'a read-only filesystem names what stays writable',
      () => report({ ...production, filesystem: { ...production.filesystem, mode: 'read-only' } }),
      'emulated',
      /^filesystem: read-only root, only .*\/dev\/shm.* writable$/,
    ],
    [
      'the ephemeral filesystem names its cap and what happens when it fills',
      () => report({ ...production, filesystem: { ...production.filesystem, mode: 'ephemeral' } }),
      'emulated',
      /^filesystem: writable, wiped when an instance restarts, replaced once it has written \d+ MiB/,
    ],
    [
      'the request production sends',
      () => report(),
      'emulated',
      /^request shape: the app sees Host [a-z0-9-]+\.ondigitalocean\.app, X-Forwarded-Proto https, the client in X-Forwarded-For and do-connecting-ip/,
    ],
    [
      'what is never emulated',
      () => report(),
      'notEmulated',
      /^the rest of the sandbox .*amd64-only images, the CDN cache/,
    ],
  ])('%s', (_what, run, side, line) => {
    expect(run()[side]).toContainEqual(expect.stringMatching(line));
  });

  it('lists no size for a static site, and no override when nothing is overridden', () => {
    const r = report();
    expect(r.emulated.some((l) => l.startsWith('docs:'))).toBe(false);
    expect(r.notEmulated.some((l) => / overridden: /.test(l))).toBe(false);
  });
});
