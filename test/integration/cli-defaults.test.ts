/**
 * The platform's defaults through the published command, on real containers: most real specs set no
 * health_check (TCP on http_port decides), no http_port (8080), no size and no routes. Each app here comes up
 * through `rehearse up` as npm links it, serves, and stops on Ctrl-C; the catalog's socket cases get their
 * diagnoses through the same command.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, copyExample, spawnCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';

/** `rehearse up` until it prints its URL; returns the URL, the seconds it took, and a stop (Ctrl-C). */
async function up(cwd: string, args: string[] = []) {
  const t0 = performance.now();
  const run = spawnCli(['up', '--port', '0', ...args], cwd);
  try {
    const [, url] = await run.waitFor(/ is up on .*: (http:\/\/127\.0\.0\.1:\d+)/);
    const seconds = (performance.now() - t0) / 1000;
    return {
      url: url!,
      seconds,
      output: run.output,
      stop: async () => {
        run.child.kill('SIGINT');
        expect(await run.exited, run.output()).toBe(0);
      },
    };
  } catch (err) {
    run.child.kill('SIGKILL');
    await run.exited;
    throw err;
  }
}

/** examples/hello's app under a spec of our own. */
function helloWith(spec: string): string {
  const dir = copyExample('hello');
  writeFileSync(path.join(dir, '.do/app.yaml'), spec);
  return dir;
}

const GITHUB = 'github: { repo: example/hello, branch: main }';

it('a spec with no health_check, http_port, instance_size_slug or routes comes up and serves', async () => {
  const dir = helloWith(`name: defaults\nservices:\n  - name: web\n    ${GITHUB}\n    dockerfile_path: Dockerfile\n`);
  const app = await up(dir);
  try {
    // The summary names the defaults it applied: TCP check on 8080, the smallest size, the route /.
    expect(app.output()).toMatch(/web\s+1x apps-s-1vcpu-0\.5gb \(512 MiB\)\s+route \/\s+health TCP :8080/);
    const res = await fetch(app.url + '/anything');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^hello from .* \(\/anything\)/);
  } finally {
    await app.stop();
  }
});

it('examples/hello without its health_check is live in under 2 s warm', async () => {
  const spec = readFileSync(path.join(ROOT, 'examples/hello/.do/app.yaml'), 'utf8');
  const dir = helloWith(spec.replace(/\n {4}health_check:\n {6}http_path: \/healthz/, ''));
  const first = await up(dir); // builds the image (or finds it unchanged): the warm-up
  await first.stop();
  const warm = await up(dir);
  try {
    expect((await fetch(warm.url)).status).toBe(200);
    console.log(`examples/hello without health_check, warm: live in ${warm.seconds.toFixed(2)} s`);
    // 2 s on an idle machine; the bound is loose because CI runs everything at once on 2 cores.
    expect(warm.seconds).toBeLessThan(8);
  } finally {
    await warm.stop();
  }
});

it('a spec with source_dir: / builds from the repository root', async () => {
  const dir = helloWith(
    `name: source-root\nservices:\n  - name: web\n    ${GITHUB}\n    source_dir: /\n    dockerfile_path: Dockerfile\n`,
  );
  const app = await up(dir);
  try {
    expect((await fetch(app.url)).status).toBe(200);
  } finally {
    await app.stop();
  }
});

for (const [id, diagnosis] of [
  ['binds-loopback', /listens on 127\.0\.0\.1:8080, which only the container itself can reach; bind 0\.0\.0\.0:8080/],
  ['ignores-port', /listens on 0\.0\.0\.0:8000, but the platform sends traffic to 0\.0\.0\.0:8080 \(\$PORT\)/],
] as const) {
  it(`the catalog's ${id} case fails with its diagnosis through the command, and its fixed twin serves`, async () => {
    const dir = copyExample(`broken/${id}`);
    const r = cli(['up', '--port', '0'], dir);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/HEALTH_FAILED|never passed its health check/);
    expect(r.stdout + r.stderr).toMatch(diagnosis);
    const fixed = await up(path.join(dir, 'fixed'));
    try {
      expect((await fetch(fixed.url)).status).toBe(200);
    } finally {
      await fixed.stop();
    }
  });
}
