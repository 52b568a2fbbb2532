/** Builds as production does them: context with .dockerignore, BUILD_TIME vars as args, failures kept in full. */
import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildComponent, buildLogPath } from '../../src/runtime/build.js';
import { loadSpec, loadSpecText } from '../../src/spec/index.js';
import { ROOT } from '../helpers/paths.js';

const docker = new Docker();
const fixture = (p: string) => path.join(ROOT, 'test/fixtures/build', p);

it('honours .dockerignore (with ! re-includes) and passes BUILD_TIME vars as build args', async () => {
  const c = loadSpec(fixture('ok/.do/app.yaml')).model!.components[0]!;
  expect(c.buildEnv.map((e) => e.key)).toEqual(['GREETING', 'API_TOKEN']);
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

it('a component without a Dockerfile gets a clear "not supported yet" error', async () => {
  const spec = 'name: bp\nservices:\n  - name: web\n    github: {repo: a/b}\n    environment_slug: node-js\n';
  const c = loadSpecText('/r/.do/app.yaml', spec).model!.components[0]!;
  await expect(buildComponent(docker, c, { appId: 'x', timeoutSeconds: 5 })).rejects.toMatchObject({
    code: 'BUILD_UNSUPPORTED',
    hint: expect.stringMatching(/add a Dockerfile and set dockerfile_path for "web"/),
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
