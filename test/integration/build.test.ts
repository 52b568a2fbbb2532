/** Builds as production does them: context with .dockerignore, BUILD_TIME vars as args, failures kept in full. */
import Docker from 'dockerode';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildComponent, buildLogPath, imageTag } from '../../src/runtime/build.js';
import { loadSpec, loadSpecText } from '../../src/spec/index.js';
import { ROOT } from '../helpers/paths.js';

const docker = new Docker();
const fixture = (p: string) => path.join(ROOT, 'test/fixtures/build', p);

it('honours .dockerignore (with ! re-includes) and passes BUILD_TIME vars as build args', async () => {
  const c = loadSpec(fixture('ok/.do/app.yaml')).model!.components[0]!;
  expect(c.buildEnv.map((e) => e.key)).toEqual(['GREETING', 'API_TOKEN']);
  // An image left by an interrupted run would be reused as unchanged: this test needs a real build.
  await docker
    .getImage(imageTag('test-build', 'box'))
    .remove({ force: true })
    .catch(() => undefined);
  const lines: string[] = [];
  const { image, tag, log } = await buildComponent(docker, c, {
    appId: 'test-build',
    timeoutSeconds: 300,
    onLine: (l) => lines.push(l),
    mask: (s) => s.replaceAll('s3cr3t-token-value', '******'),
  });
  expect(log.join('\n')).toMatch(/token length 18/);
  // Run by the id this build made, not by the tag another session may move.
  expect(image).toMatch(/^[0-9a-f]{12,64}$/);
  expect((await docker.getImage(image).inspect()).RepoTags).toContain(tag);
  expect(lines.length).toBe(log.length); // streamed live, line by line
  expect(readFileSync(buildLogPath('test-build', 'box'), 'utf8')).not.toMatch(/s3cr3t-token-value/);
  await docker.getImage(image).remove({ force: true });
});

it('a failed build throws BUILD_FAILED with the failing step and keeps the whole log', async () => {
  const c = loadSpec(fixture('broken/app.yaml')).model!.components[0]!;
  const err = (await buildComponent(docker, c, { appId: 'test-build-broken', timeoutSeconds: 300 }).catch(
    (e: unknown) => e,
  )) as { code: string; details: string; hint: string };
  expect(err.code).toBe('BUILD_FAILED');
  expect(err.details).toMatch(/Module not found: 'left-pad'/);
  const kept = readFileSync(buildLogPath('test-build-broken', 'box'), 'utf8');
  expect(kept).toMatch(/Step 1\/\d+ : FROM debian:bookworm-slim[\s\S]*compiling assets/);
  expect(err.hint).toContain(buildLogPath('test-build-broken', 'box'));
});

it('a build that outlives the profile timeout fails and keeps what it printed', async () => {
  const spec = 'name: slow\nworkers:\n  - name: box\n    github: {repo: a/b}\n    dockerfile_path: Dockerfile\n';
  const c = loadSpecText(fixture('broken/app.yaml'), spec).model!.components[0]!;
  const slow = { ...c, build: { ...c.build, dockerfile: fixture('slow.Dockerfile') } } as typeof c;
  const err = (await buildComponent(docker, slow, { appId: 'test-build-slow', timeoutSeconds: 3 }).catch(
    (e: unknown) => e,
  )) as { code: string; message: string };
  expect(err.code).toBe('BUILD_FAILED');
  expect(err.message).toMatch(/timed out after 3s/);
  expect(readFileSync(buildLogPath('test-build-slow', 'box'), 'utf8')).toMatch(/about to sleep/);
});

it('a component whose buildpack rehearse does not reproduce gets the Dockerfile way out', async () => {
  const spec = 'name: bp\nservices:\n  - name: web\n    github: {repo: a/b}\n    environment_slug: php\n';
  const c = loadSpecText('/r/.do/app.yaml', spec).model!.components[0]!;
  await expect(buildComponent(docker, c, { appId: 'x', timeoutSeconds: 5 })).rejects.toMatchObject({
    code: 'BUILD_UNSUPPORTED',
    message: expect.stringMatching(/names environment_slug php, which rehearse's buildpack stand-in does not build/),
    hint: expect.stringMatching(/add a Dockerfile to the component's source_dir and set dockerfile_path for "web"/),
  });
});

it('a variable the build needs but scoped RUN_TIME: the failure names the variable and its scope', async () => {
  const c = loadSpec(fixture('run-only/app.yaml')).model!.components[0]!;
  const err = (await buildComponent(docker, c, { appId: 'test-build-run-only', timeoutSeconds: 300 }).catch(
    (e: unknown) => e,
  )) as { code: string; hint: string };
  expect(err.code).toBe('BUILD_FAILED');
  expect(err.hint).toMatch(
    /^API_URL is scoped RUN_TIME in the spec, so the build does not get it: set its scope to BUILD_TIME or RUN_AND_BUILD_TIME/,
  );
});

it('an unchanged build is not sent again; a changed file or build arg is', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-fingerprint-'));
  cpSync(path.join(ROOT, 'examples/hello'), dir, { recursive: true });
  const c = loadSpec(path.join(dir, '.do/app.yaml')).model!.components[0]!;
  const opts = { appId: `test-fp-${process.pid}`, timeoutSeconds: 300 };
  const first = await buildComponent(docker, c, opts);
  expect(first.rebuilt).toBe(true);
  const lines: string[] = [];
  const again = await buildComponent(docker, c, { ...opts, onLine: (l) => lines.push(l) });
  expect(again).toMatchObject({ rebuilt: false, tag: first.tag });
  expect((await docker.getImage(again.image).inspect()).Id).toBe((await docker.getImage(first.image).inspect()).Id);
  expect(lines).toEqual([expect.stringMatching(/unchanged since its last build: .* not rebuilt/)]);

  writeFileSync(path.join(dir, 'server.js'), readFileSync(path.join(dir, 'server.js'), 'utf8') + '\n// edited\n');
  const edited = await buildComponent(docker, c, opts);
  expect(edited.rebuilt).toBe(true);
  expect(edited.log.join('\n')).toMatch(/Step 3\/\d+ : COPY server.js/);

  const withArg = {
    ...c,
    buildEnv: [{ key: 'GREETING', value: 'hi', secret: false, origin: 'spec' as const }],
  } as typeof c;
  expect((await buildComponent(docker, withArg, opts)).rebuilt).toBe(true);
  expect((await buildComponent(docker, withArg, opts)).rebuilt).toBe(false);

  // A file the .dockerignore leaves out is not an input.
  writeFileSync(path.join(dir, '.dockerignore'), 'notes.txt\n');
  expect((await buildComponent(docker, withArg, opts)).rebuilt).toBe(true);
  writeFileSync(path.join(dir, 'notes.txt'), 'not in the image');
  expect((await buildComponent(docker, withArg, opts)).rebuilt).toBe(false);
  await docker.getImage(first.tag).remove({ force: true });
});

it('a base image that moved is a change: the build runs again', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-fingerprint-base-'));
  const base = `rehearse-test-base-${process.pid}`;
  writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base}\nCMD ["true"]\n`);
  const c = loadSpecText(
    path.join(dir, '.do/app.yaml'),
    'name: fp\nworkers:\n  - name: box\n    github: {repo: a/b}\n    dockerfile_path: Dockerfile\n',
  ).model!.components[0]!;
  const opts = { appId: `test-fp-base-${process.pid}`, timeoutSeconds: 300 };
  await docker.getImage('debian:bookworm-slim').tag({ repo: base, tag: 'latest' });
  expect((await buildComponent(docker, c, opts)).rebuilt).toBe(true);
  expect((await buildComponent(docker, c, opts)).rebuilt).toBe(false);
  await docker.getImage('node:20-bookworm-slim').tag({ repo: base, tag: 'latest' });
  const moved = await buildComponent(docker, c, opts);
  expect(moved.rebuilt).toBe(true);
  await docker.getImage(moved.tag).remove({ force: true });
  await docker.getImage(base).remove({ force: false });
});
