/** The edge answers only the Hosts it serves: a DNS-rebinding page's own name is refused (issue 17). */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpUpstream, raw, route, startRouter } from '../../helpers/router.js';

const getWithHost = (url: string, host: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string; code?: string }>((resolve, reject) => {
    const req = http.get(url, { headers: { host, ...headers }, agent: false }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body, code: res.headers['x-rehearse-error'] as string | undefined }),
      );
    });
    req.on('error', reject);
  });

let up: Awaited<ReturnType<typeof httpUpstream>>;
let edge: Awaited<ReturnType<typeof startRouter>>;
let open: Awaited<ReturnType<typeof startRouter>>;
beforeAll(async () => {
  up = await httpUpstream((_req, res) => res.end('secret data'));
  edge = await startRouter([route('/', 'web')], {}, { hosts: { names: ['shop.example.com', '*.preview.example'] } });
  edge.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
  open = await startRouter([route('/', 'web')], {}, { hosts: { names: [], any: true } });
  open.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
});
afterAll(async () => {
  await edge.router.close();
  await open.router.close();
  await up.close();
});

describe('Host allowlist', () => {
  it.each(['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST'])('answers the loopback name %s with its port', async (n) => {
    const r = await getWithHost(edge.url + '/', `${n}:${edge.port}`);
    expect([r.status, r.body]).toEqual([200, 'secret data']);
  });
  it.each(['shop.example.com', 'shop.example.com:8443', 'a.preview.example'])(
    'answers a spec domain: %s',
    async (h) => {
      expect((await getWithHost(edge.url + '/', h)).status).toBe(200);
    },
  );
  it.each([
    `rebind.attacker.example:${0}`,
    'rebind.attacker.example',
    'preview.example',
    'localhost:1',
    'shop.example.com.attacker.example',
    'bad host',
  ])('refuses %s with a page that says why', async (h) => {
    const r = await getWithHost(edge.url + '/', h.replace(':0', `:${edge.port}`), { accept: 'text/html' });
    expect(r.status).toBe(403);
    expect(r.code).toBe('HOST_NOT_ALLOWED');
    expect(r.body).toMatch(/DNS rebinding/);
    expect(r.body).not.toMatch(/secret data/);
    expect(edge.log.at(-1)).toMatchObject({ status: 403, note: expect.stringMatching(/^HOST_NOT_ALLOWED/) });
  });
  it('refuses a websocket upgrade for a Host it does not serve', async () => {
    const reply = await raw(
      edge.port,
      'GET /ws HTTP/1.1\r\nHost: rebind.attacker.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 403/);
  });
  it('answers any Host when the caller widened it (--host 0.0.0.0)', async () => {
    expect((await getWithHost(open.url + '/', 'rebind.attacker.example')).status).toBe(200);
  });
});
