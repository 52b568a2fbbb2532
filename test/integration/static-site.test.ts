import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startApp } from '../../src/app/index.js';
import { getText } from '../helpers/eventually.js';
import { copyExample } from '../helpers/cli.js';

it('builds a static site in a container and serves it with SPA semantics beside a service', async () => {
  await using app = await startApp({ spec: path.join(copyExample('static-spa'), '.do/app.yaml') });
  expect((await getText(app.routerUrl + '/')).body).toMatch(/<h1>built at local<\/h1>/);
  const js = await fetch(app.routerUrl + '/assets/app.js');
  expect(js.headers.get('content-type')).toMatch(/javascript/);
  expect((await getText(app.routerUrl + '/orders/42')).body).toMatch(/built at local/); // client-side route
  expect((await getText(app.routerUrl + '/api/hello')).body).toBe('api saw /hello\n');
});

it('a static site without a build serves what a build would publish: no dotfiles, nothing .dockerignore excludes', async () => {
  // The project folder itself, as a developer has it: secrets in .env, a git checkout, the spec.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-static-plain-'));
  const spec = 'name: plain\nstatic_sites:\n  - name: site\n    github: { repo: example/plain, branch: main }\n';
  mkdirSync(path.join(dir, '.do'));
  writeFileSync(path.join(dir, '.do/app.yaml'), spec);
  mkdirSync(path.join(dir, '.git'));
  writeFileSync(path.join(dir, '.git/config'), '[remote "origin"]\n\turl = https://token@example.invalid/x\n');
  writeFileSync(path.join(dir, '.env'), 'SECRET_KEY=hunter2\n');
  writeFileSync(path.join(dir, '.dockerignore'), 'notes/\n');
  mkdirSync(path.join(dir, 'notes'));
  writeFileSync(path.join(dir, 'notes/private.txt'), 'not for the site\n');
  mkdirSync(path.join(dir, '.well-known'));
  writeFileSync(path.join(dir, '.well-known/security.txt'), 'Contact: mailto:sec@example.invalid\n');
  writeFileSync(path.join(dir, 'index.html'), '<h1>plain</h1>\n');
  await using app = await startApp({ spec: path.join(dir, '.do/app.yaml') });
  expect((await getText(app.routerUrl + '/')).body).toMatch(/<h1>plain<\/h1>/);
  expect((await getText(app.routerUrl + '/.well-known/security.txt')).status).toBe(200);
  for (const leak of ['/.env', '/.git/config', '/.do/app.yaml', '/notes/private.txt', '/%2eenv', '/.dockerignore']) {
    const res = await getText(app.routerUrl + leak);
    expect(res.status, leak).toBe(404);
    expect(res.body).not.toMatch(/hunter2|token@|static_sites|not for the site/);
  }
});
