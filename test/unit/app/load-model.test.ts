/** The one entry from spec to model: one resolver for --spec, and equal inputs give equal models. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffModels } from '../../../src/app/diff-models.js';
import { loadModel, modelOf, specFileOf } from '../../../src/app/load-model.js';
import { loadProfile } from '../../../src/profile/profile.js';

const SPEC = `name: app
services:
  - name: web
    github: {repo: a/b, branch: main}
    dockerfile_path: Dockerfile
    envs:
      - {key: TOKEN, type: SECRET}
      - {key: SELF, value: "\${APP_URL}"}
`;

const repo = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-load-model-'));
  mkdirSync(path.join(dir, '.do'));
  writeFileSync(path.join(dir, '.do/app.yaml'), SPEC);
  writeFileSync(path.join(dir, 'spec.txt'), SPEC);
  return dir;
};

describe('specFileOf', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it.each([
    ['nothing: the current folder', undefined, '.do/app.yaml'],
    ['a folder', '.', '.do/app.yaml'],
    ['a spec file', '.do/app.yaml', '.do/app.yaml'],
    ['a spec file of any name', 'spec.txt', 'spec.txt'],
    ['the .do folder, which holds app.yaml', '.do', '.do/app.yaml'],
  ])('resolves %s', (_what, spec, expected) => {
    const dir = repo();
    process.chdir(dir);
    expect(specFileOf(spec)).toBe(path.join(dir, expected));
  });

  it('names a path that does not exist', () => {
    expect(() => specFileOf('no/such/place')).toThrow(
      expect.objectContaining({ code: 'SPEC_NOT_FOUND', message: 'no spec file or folder at no/such/place' }),
    );
  });
});

describe('loadModel', () => {
  const inputs = (file: string) => ({
    file,
    profile: loadProfile(),
    env: { TOKEN: 'tok-1' },
    appUrl: 'http://127.0.0.1:4321',
    strictSecrets: true,
  });

  it('takes the secrets and the app URL from its inputs', () => {
    const m = modelOf(loadModel(inputs(path.join(repo(), '.do/app.yaml'))));
    const env = Object.fromEntries(m.components[0]!.env.map((e) => [e.key, e.value]));
    // App Platform's ${APP_URL}: production's form (https, the app's domain), never the router's local port.
    expect(env).toMatchObject({
      TOKEN: 'tok-1',
      SELF: expect.stringMatching(/^https:\/\/[a-z0-9-]+-[0-9a-z]{5}\.ondigitalocean\.app$/),
    });
  });

  it('gives equal models for equal inputs (a reload changes nothing)', () => {
    const file = path.join(repo(), '.do/app.yaml');
    const diff = diffModels(modelOf(loadModel(inputs(file))), modelOf(loadModel(inputs(file))));
    expect([...diff.added, ...diff.removed, ...diff.changed]).toEqual([]);
  });

  it('fails with SPEC_INVALID at the first error when a strict load misses a secret', () => {
    const file = path.join(repo(), '.do/app.yaml');
    expect(() => modelOf(loadModel({ ...inputs(file), env: {} }))).toThrow(
      expect.objectContaining({ code: 'SPEC_INVALID', location: expect.objectContaining({ file, line: 7 }) }),
    );
  });
});
