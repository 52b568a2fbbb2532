import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
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
  const spec =
    'name: plain\ndomains: [{ domain: plain.example.com }]\nstatic_sites:\n  - name: site\n    github: { repo: example/plain, branch: main }\n';
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
  // A page of another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host.
  expect(await statusFor(app.routerUrl, 'rebind.attacker.example')).toBe(403);
  expect(await statusFor(app.routerUrl, 'plain.example.com')).toBe(200); // the spec's domain
});

const statusFor = (url: string, host: string) =>
  new Promise<number>((resolve, reject) =>
    http.get(url, { headers: { host }, agent: false }, (res) => resolve(res.resume().statusCode!)).on('error', reject),
  );
