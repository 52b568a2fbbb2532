/** diffModels, the judge behind `up --watch`'s spec reload: what changed, model against model. */
import { describe, expect, it } from 'vitest';
import { diffModels, type ModelDiff } from '../../../src/app/diff-models.js';
import { loadSpecText, type LoadOptions } from '../../../src/spec/index.js';

const BASE = `name: app
services:
  - name: web
    github: {repo: a/b, branch: main}
    dockerfile_path: Dockerfile
    routes: [{path: /}]
    envs: [{key: GREETING, value: hello}]
workers:
  - name: queue
    github: {repo: a/b, branch: main}
    dockerfile_path: Dockerfile
    envs: [{key: SELF, value: "\${APP_URL}"}]
jobs:
  - name: migrate
    kind: PRE_DEPLOY
    github: {repo: a/b, branch: main}
    dockerfile_path: Dockerfile
`;

const model = (yaml: string, opts: LoadOptions = {}) => {
  const r = loadSpecText('/repo/.do/app.yaml', yaml, opts);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.model!;
};
const none: ModelDiff = { added: [], removed: [], changed: [], routes: false, databases: false };

describe('diffModels', () => {
  it.each<[string, string, LoadOptions, Partial<ModelDiff>]>([
    ['the same spec', BASE, {}, {}],
    ['a comment above every component (lines move, nothing runs differently)', `# note\n\n${BASE}`, {}, {}],
    ['a comment at the end', `${BASE}# note\n`, {}, {}],
    ['a changed env value', BASE.replace('value: hello', 'value: bonjour'), {}, { changed: ['web'] }],
    [
      'a changed instance count',
      BASE.replace('    routes: [{path: /}]', '    instance_count: 2\n    routes: [{path: /}]'),
      {},
      { changed: ['web'] },
    ],
    ['a changed job', BASE.replace('kind: PRE_DEPLOY', 'kind: POST_DEPLOY'), {}, { changed: ['migrate'] }],
    // App Platform's ${APP_URL} is production's (https://<domain>, no port): the router's port does not move it.
    ["another router port (APP_URL stays production's)", BASE, { appUrl: 'http://127.0.0.1:9999' }, {}],
    [
      'another domain (the bindable moves)',
      `${BASE}domains: [{domain: shop.example.com}]\n`,
      {},
      { changed: ['queue'] },
    ],
    [
      'a component added',
      `${BASE}  - name: seed\n    kind: POST_DEPLOY\n    github: {repo: a/b, branch: main}\n    dockerfile_path: Dockerfile\n`,
      {},
      { added: ['seed'] },
    ],
    ['a component removed', BASE.slice(0, BASE.indexOf('jobs:')), {}, { removed: ['migrate'] }],
    ['a changed route', BASE.replace('{path: /}', '{path: /app}'), {}, { routes: true }],
    ['a database declared', `${BASE}databases:\n  - name: db\n    engine: PG\n`, {}, { databases: true, changed: [] }],
  ])('%s', (_what, after, opts, expected) => {
    const diff = diffModels(model(BASE), model(after, opts));
    expect(diff).toEqual({ ...none, ...expected });
  });

  it('is symmetric in what it adds and removes', () => {
    const a = model(BASE);
    const b = model(BASE.slice(0, BASE.indexOf('jobs:')));
    expect(diffModels(a, b).removed).toEqual(diffModels(b, a).added);
  });
});
