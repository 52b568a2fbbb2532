import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, raw, route, startRouter } from '../../helpers/router.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'site-'));
const site = path.join(dir, 'dist');
let spa: Awaited<ReturnType<typeof startRouter>>;

beforeAll(async () => {
  mkdirSync(path.join(site, 'docs'), { recursive: true });
  writeFileSync(path.join(site, 'index.html'), '<h1>home</h1>');
  writeFileSync(path.join(site, 'app.js'), 'console.log(1)');
  writeFileSync(path.join(site, 'style.css'), 'body{}');
  writeFileSync(path.join(site, 'docs', 'index.html'), '<h1>docs</h1>');
  writeFileSync(path.join(site, '404.html'), '<h1>lost</h1>');
  writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(site, '.env'), 'SECRET_KEY=hunter2');
  mkdirSync(path.join(site, '.git'));
  writeFileSync(path.join(site, '.git', 'config'), 'url = https://token@example.invalid');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(site, 'leak.txt'));
  spa = await startRouter(
    [route('/', 'web'), route('/shop', 'shop')],
    {},
    {
      staticSites: {
        web: { root: site, indexDocument: 'index.html', errorDocument: '404.html' },
        shop: { root: site, indexDocument: 'index.html', errorDocument: '404.html', catchallDocument: 'index.html' },
      },
    },
  );
});
afterAll(() => spa.router.close());

describe('static sites', () => {
  it('serves files with their content types, and folders by their index document', async () => {
    const js = await get(spa.url + '/app.js');
    expect([js.status, js.headers['content-type'], js.body.toString()]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'console.log(1)',
    ]);
    expect((await get(spa.url + '/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(spa.url + '/docs/')).body.toString()).toBe('<h1>docs</h1>');
    expect((await get(spa.url + '/')).body.toString()).toBe('<h1>home</h1>');
  });
  it('answers unknown paths with the error document and 404, or with the catch-all and 200 (SPA)', async () => {
    const lost = await get(spa.url + '/nope');
    expect([lost.status, lost.body.toString()]).toEqual([404, '<h1>lost</h1>']);
    const deep = await get(spa.url + '/shop/cart/42');
    expect([deep.status, deep.body.toString()]).toEqual([200, '<h1>home</h1>']);
  });
  it.each(['/.env', '/%2eenv', '/.git/config', '/docs/../.env'])('never serves a dotfile: %s', async (p) => {
    const res = await get(spa.url + p);
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toMatch(/hunter2|token@/);
  });
  it('sends ETags and answers 304 to a matching If-None-Match', async () => {
    const first = await get(spa.url + '/app.js');
    expect(first.headers.etag).toMatch(/^W\/".+"$/);
    const again = await get(spa.url + '/app.js', { headers: { 'if-none-match': first.headers.etag! } });
    expect([again.status, again.body.length]).toEqual([304, 0]);
  });
  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/docs/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/leak.txt'])(
    'never serves outside the folder: %s',
    async (p) => {
      const reply = await raw(spa.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(reply).toMatch(/^HTTP\/1\.1 (400|404) /);
      expect(reply).not.toContain('TOP SECRET');
    },
  );
});
