/** The built CLI as a subprocess, as a user drives it day to day. */
import Docker from 'dockerode';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, copyExample } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';

describe('a detached session', () => {
  const dir = copyExample('hello');
  beforeAll(() => {
    // A SECRET whose value comes from .env, to check it never shows.
    appendFileSync(
      path.join(dir, '.do/app.yaml'),
      '      - key: API_KEY\n        type: SECRET\n        scope: RUN_TIME\n      - key: SELF_URL\n        value: ${APP_URL}\n',
    );
    writeFileSync(path.join(dir, '.env'), 'API_KEY=sk-live-0123456789\n');
    const up = cli(['up', '--detach', '--port', '0'], dir);
    expect(up.stderr).toBe('');
    expect(up.status).toBe(0);
    expect(up.stdout).toMatch(/hello is up on DigitalOcean App Platform rules: http:\/\/127\.0\.0\.1:\d+/);
    expect(up.stdout).toMatch(/parity: not emulated or switched off/);
  });
  afterAll(() => cli(['down', '-t', '0'], dir));

  it('ps --json lists the running instance with its limit and loopback port', () => {
    const ps = JSON.parse(cli(['ps', '--json'], dir).stdout) as {
      url: string;
      instances: { instance: string; state: string; memoryMiB: number; published: string }[];
    };
    expect(ps.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ps.instances).toMatchObject([
      { instance: 'web-1', state: 'running', memoryMiB: 512, published: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
    ]);
  });

  it('logs shows the instance output with its prefix', () => {
    expect(cli(['logs', 'web'], dir).stdout).toMatch(/web-1 +\| listening on 0\.0\.0\.0:8080/);
  });

  it('exec runs a command in the instance and passes its exit code on', () => {
    const r = cli(['exec', 'web', '--', 'sh', '-c', 'echo "port=$PORT"; exit 7'], dir);
    expect(r.stdout).toBe('port=8080\n');
    expect(r.status).toBe(7);
  });

  it('env prints the run-time environment with the secret masked', () => {
    const r = cli(['env', 'web'], dir);
    expect(r.stdout).toMatch(/^API_KEY=\*{6}$/m);
    expect(r.stdout).toMatch(/^GREETING=hello$/m);
    expect(r.stdout).not.toContain('sk-live');
    expect(cli(['exec', 'web', '--', 'sh', '-c', 'test "$API_KEY" = sk-live-0123456789'], dir).status).toBe(0);
    // ${APP_URL} as production forms it (https, the app's domain, no port), and the same inside the container.
    const url = /^SELF_URL=(https:\/\/hello-[0-9a-z]{5}\.ondigitalocean\.app)$/m.exec(r.stdout)?.[1];
    expect(url).toBeDefined();
    expect(cli(['exec', 'web', '--', 'printenv', 'SELF_URL'], dir).stdout).toBe(`${url}\n`);
  });

  it('restart brings the component back live', () => {
    const r = cli(['restart', 'web'], dir);
    expect(r.stdout).toBe('web restarted and live again\n');
  });

  it('down --rmi stops the session and removes everything, its built images too', async () => {
    const r = cli(['down', '-t', '0', '--rmi'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^stopped and removed hello-/);
    expect(r.stdout).toMatch(/^removed images rehearse\/hello-[0-9a-f]+\/web:latest$/m);
    expect(JSON.parse(cli(['ps', '--json'], dir).stdout).instances).toEqual([]);
    const project = /rehearse\.project=([0-9a-f]+)/.exec(r.stdout)![1]!;
    expect(await new Docker().listImages({ filters: { label: [`rehearse.project=${project}`] } })).toEqual([]);
  });
});

it('cost prints each component and the right total for known sizes', () => {
  const dir = copyExample('hello');
  writeFileSync(
    path.join(dir, '.do/app.yaml'),
    `name: priced
services:
  - { name: web, github: { repo: a/b }, dockerfile_path: Dockerfile, instance_size_slug: apps-s-1vcpu-1gb, instance_count: 2 }
workers:
  - { name: queue, github: { repo: a/b }, dockerfile_path: Dockerfile, instance_size_slug: apps-d-1vcpu-2gb }
jobs:
  - { name: migrate, kind: PRE_DEPLOY, github: { repo: a/b }, dockerfile_path: Dockerfile }
static_sites:
  - { name: docs, github: { repo: a/b } }
`,
  );
  const r = cli(['cost'], dir);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^web +service +apps-s-1vcpu-1gb +2 +24\.00/m);
  expect(r.stdout).toMatch(/^queue +worker +apps-d-1vcpu-2gb +1 +39\.00/m);
  expect(r.stdout).toMatch(/total on DigitalOcean App Platform: \$63\.00 a month/);
  expect(JSON.parse(cli(['cost', '--json'], dir).stdout).total).toBe(63);
});

it('usage errors exit 2, and every command has --help with an example', () => {
  expect(cli(['up', '--router', 'fast']).status).toBe(2);
  expect(cli(['nosuchcommand']).status).toBe(2);
  for (const c of ['up', 'down', 'validate', 'ps', 'logs', 'exec', 'restart', 'env', 'cost', 'doctor', 'dockerfile']) {
    const h = cli([c, '--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/Examples?:\n {2}\$ rehearse /);
  }
});

it("the CLI's own edge (the bundle) maps a slow handler to the profile's timeout status and code", async () => {
  const dir = copyExample('broken/slow-handler');
  // A user's platform file: App Platform's profile with a 2 s edge, so the 6 s handler trips it quickly.
  writeFileSync(
    path.join(dir, 'fast-edge.yaml'),
    readFileSync(path.join(ROOT, 'sandbox/digitalocean.yaml'), 'utf8').replace(
      /first_byte_timeout_seconds: \d+/,
      'first_byte_timeout_seconds: 2',
    ),
  );
  const up = cli(['up', '--detach', '--port', '0', '--platform', 'fast-edge.yaml'], dir);
  try {
    expect(up.status).toBe(0);
    const url = /is up on .* rules: (http:\/\/127\.0\.0\.1:\d+)/.exec(up.stdout)![1]!;
    expect((await fetch(url + '/healthz')).status).toBe(200);
    const slow = await fetch(url + '/export');
    expect(slow.status).toBe(504);
    expect(slow.headers.get('x-rehearse-error')).toBe('EDGE_TIMEOUT');
  } finally {
    cli(['down', '-t', '0'], dir);
  }
});
