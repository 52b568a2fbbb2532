/** The Dockerfile a buildpack component is built from: detection, step order, environment and start command. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildpackDockerfile } from '../../../src/runtime/buildpacks/dockerfile.js';
import { loadSpec } from '../../../src/spec/index.js';

/** A repo with `files` and a one-service spec (extra YAML lines appended to the service). */
function component(files: Record<string, string>, extra = '') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-'));
  mkdirSync(path.join(dir, '.do'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  writeFileSync(
    path.join(dir, '.do/app.yaml'),
    `name: bp\nservices:\n  - name: web\n    github: {repo: a/b}\n${extra}`,
  );
  return loadSpec(path.join(dir, '.do/app.yaml')).model!.components[0]!;
}
const none = () => Promise.resolve(false);
const generate = async (files: Record<string, string>, extra = '') =>
  buildpackDockerfile(component(files, extra), none);

describe('buildpack Dockerfiles', () => {
  it('node-js: install with devDependencies, build, prune, start; BUILD_TIME keys as ARGs; build_command last', async () => {
    const g = await generate(
      {
        'package.json': JSON.stringify({ scripts: { build: 'x', start: 'node s.js' }, engines: { node: '18.x' } }),
        'package-lock.json': '{}',
      },
      '    build_command: npm run extra\n    envs: [{key: API, value: a, scope: BUILD_TIME}]\n',
    );
    const steps = g.dockerfile.split('\n').filter((l) => /^(FROM|RUN|ARG|ENV|COPY|CMD|WORKDIR)/.test(l));
    expect(steps.map((l) => l.split(' ')[0])).toEqual([
      'FROM',
      'RUN',
      'WORKDIR',
      'ARG',
      'ENV',
      'COPY',
      'RUN',
      'RUN',
      'RUN',
      'RUN',
      'CMD',
    ]);
    expect(g.dockerfile).toContain('FROM node:20-bookworm-slim');
    expect(g.dockerfile).toMatch(
      /RUN npm ci --include=dev[^\n]*\nRUN NODE_OPTIONS=[^\n]*npm run build\nRUN npm prune --omit=dev/,
    );
    expect(g.dockerfile).toMatch(/npm run extra"\]\nENTRYPOINT/);
    expect(g.dockerfile).toContain('ARG API\nENV NODE_ENV="production"');
    expect(g.dockerfile).toContain('CMD ["/bin/sh","-c","exec npm start"]');
    expect(g.summary).toMatch(
      /engines\.node in package\.json asks 18\.x; built on node:20-bookworm-slim \(node:18-bookworm-slim is not in the local engine\)/,
    );
  });

  it('node-js: heroku-postbuild instead of build; NPM_CONFIG_PRODUCTION=false keeps devDependencies; the engine image when present', async () => {
    const c = component(
      {
        'package.json': JSON.stringify({ scripts: { build: 'b', 'heroku-postbuild': 'p' }, engines: { node: '>=22' } }),
      },
      '    run_command: node s.js\n    envs: [{key: NPM_CONFIG_PRODUCTION, value: "false", scope: BUILD_TIME}]\n',
    );
    const g = await buildpackDockerfile(c, (image) => Promise.resolve(image === 'node:22-bookworm-slim'));
    expect(g.dockerfile).toContain('FROM node:22-bookworm-slim');
    expect(g.dockerfile).toContain('npm run heroku-postbuild');
    expect(g.dockerfile).not.toContain('npm run build');
    expect(g.dockerfile).not.toContain('npm prune');
    expect(g.dockerfile).toContain('RUN npm install --include=dev');
    expect(g.dockerfile).toContain('CMD ["/bin/sh","-c","exec node s.js"]');
  });

  it('python: pip, collectstatic unless DISABLE_COLLECTSTATIC, the buildpack environment, Procfile web', async () => {
    const files = {
      'requirements.txt': 'Django\n',
      'manage.py': '',
      Procfile: 'web: gunicorn a.wsgi --bind 0.0.0.0:$PORT\n',
      'runtime.txt': 'python-3.12.4\n',
    };
    const g = await generate(files);
    expect(g.dockerfile).toContain('pip install --no-cache-dir -r requirements.txt');
    expect(g.dockerfile).toContain('python manage.py collectstatic --noinput');
    expect(g.dockerfile).toContain('ENV PYTHONUNBUFFERED="true"');
    expect(g.dockerfile).toContain('CMD ["/bin/sh","-c","exec gunicorn a.wsgi --bind 0.0.0.0:$PORT"]');
    expect(g.summary).toMatch(/runtime\.txt asks 3\.12\.4; built on python:3\.11-slim-bookworm/);
    const off = await generate(files, '    envs: [{key: DISABLE_COLLECTSTATIC, value: "1", scope: BUILD_TIME}]\n');
    expect(off.dockerfile).not.toContain('collectstatic');
  });

  it('python: no run command anywhere is the platform error', async () => {
    await expect(generate({ 'requirements.txt': '' })).rejects.toMatchObject({
      code: 'BUILD_FAILED',
      hint: expect.stringMatching(/A run command is required/),
    });
  });

  it('go: go install into bin/, the module name as the start, a run stage without the toolchain', async () => {
    const g = await generate({ 'go.mod': 'module example.com/x/api\n\ngo 1.22\n', 'main.go': '' });
    expect(g.dockerfile).toMatch(/FROM debian:bookworm-slim AS build\n/);
    expect(g.dockerfile).toContain('go install -v .');
    expect(g.dockerfile).toMatch(
      /FROM debian:bookworm-slim\nWORKDIR \/workspace\nCOPY --from=build \/workspace \/workspace/,
    );
    expect(g.dockerfile).toContain('CMD ["/bin/sh","-c","exec /workspace/bin/api"]');
  });

  it('detects in the buildpacks order, and refuses php and ruby naming the slug and the Dockerfile way out', async () => {
    expect((await generate({ 'package.json': '{}', 'requirements.txt': '' }, '    run_command: x\n')).language).toBe(
      'node-js',
    );
    await expect(generate({ 'composer.json': '{}' })).rejects.toMatchObject({
      code: 'BUILD_UNSUPPORTED',
      message: expect.stringMatching(/is a php app \(composer\.json\)/),
      hint: expect.stringMatching(/add a Dockerfile .* set dockerfile_path/),
    });
    await expect(generate({ Gemfile: '' }, '    environment_slug: ruby\n')).rejects.toMatchObject({
      code: 'BUILD_UNSUPPORTED',
    });
    await expect(generate({ 'README.md': '' })).rejects.toMatchObject({
      code: 'BUILD_FAILED',
      message: expect.stringMatching(/could not detect app files that match known buildpacks/),
    });
    await expect(generate({ 'index.html': '' }, '    environment_slug: node-js\n')).rejects.toMatchObject({
      message: expect.stringMatching(/environment_slug node-js needs one of package\.json/),
    });
  });
});
