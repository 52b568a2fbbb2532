/**
 * The app receives the request App Platform's edge sends (its domain as Host, https, the client in
 * X-Forwarded-For and do-connecting-ip), and the browser stays on the local origin: Location, cookie Domain and
 * CORS origins are mapped back to it, Origin and Referer forward. The local origin is served over HTTPS too,
 * with a certificate from a CA made for this user on first use.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestShape } from '../../../src/router/forward.js';
import { localCertificate } from '../../../src/router/local-ca.js';
import { get, httpUpstream, route, startRouter } from '../../helpers/router.js';

const shape: RequestShape = {
  domain: 'shop-x7k2p.ondigitalocean.app',
  domains: new Set(['shop.example.com']),
  scheme: 'https',
  clientIpHeader: 'do-connecting-ip',
  owned: new Set(['do-connecting-ip', 'cf-connecting-ip']),
};

/** An app that echoes the headers it got, and answers as a production app would: absolute URLs on its domain. */
async function productionApp() {
  const seen: IncomingHttpHeaders[] = [];
  const up = await httpUpstream((req, res) => {
    seen.push(req.headers);
    const origin = `https://${req.headers.host}`;
    res.writeHead(req.url === '/login' ? 302 : 200, {
      location: `${origin}/account?next=%2F`,
      'set-cookie': [
        `sessionid=abc; Domain=${req.headers.host}; Path=/; Secure; HttpOnly`,
        'other=1; Domain=elsewhere.example; Path=/',
      ],
      'access-control-allow-origin': origin,
      'content-length': 2,
    });
    res.end('ok');
  });
  return { ...up, seen };
}

describe('the production request shape', () => {
  it("the app sees its domain, https and the client's address; spoofed forwarding headers are gone", async () => {
    const app = await productionApp();
    const e = await startRouter([route('/', 'web')], {}, { requestShape: shape });
    e.router.setUpstreams('web', [{ name: 'web-1', url: app.url }], 'live');
    await get(e.url + '/', {
      headers: {
        'x-forwarded-for': '6.6.6.6',
        'do-connecting-ip': '6.6.6.6',
        'cf-connecting-ip': '6.6.6.6',
        'x-forwarded-proto': 'http',
        origin: e.url,
        referer: `${e.url}/cart?x=1`,
      },
    });
    const h = app.seen[0]!;
    expect(h.host).toBe(shape.domain);
    expect(h['x-forwarded-proto']).toBe('https');
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['do-connecting-ip']).toBe('127.0.0.1');
    expect(h['cf-connecting-ip']).toBeUndefined();
    // The browser's local origin, as the app would see production's.
    expect(h.origin).toBe(`https://${shape.domain}`);
    expect(h.referer).toBe(`https://${shape.domain}/cart?x=1`);
    // A request naming another of the spec's domains keeps it (production routes each domain to the app).
    await get(e.url + '/', { headers: { host: 'shop.example.com' } });
    expect(app.seen[1]!.host).toBe('shop.example.com');
    await e.router.close();
    await app.close();
  });

  it('redirects, cookies and CORS origins on the production domain come back on the local origin', async () => {
    const app = await productionApp();
    const e = await startRouter([route('/', 'web')], {}, { requestShape: shape });
    e.router.setUpstreams('web', [{ name: 'web-1', url: app.url }], 'live');
    const r = await get(e.url + '/login');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`${e.url}/account?next=%2F`);
    expect(r.headers['set-cookie']).toEqual([
      'sessionid=abc; Path=/; Secure; HttpOnly',
      'other=1; Domain=elsewhere.example; Path=/',
    ]);
    expect(r.headers['access-control-allow-origin']).toBe(e.url);
    await e.router.close();
    await app.close();
  });

  it('serves the local origin over HTTPS with a certificate from a CA made once, private to this user', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ca-')), 'ca');
    const first = await localCertificate(dir);
    expect(first.created).toBe(true);
    for (const f of ['ca.key', 'ca.crt', 'localhost.key', 'localhost.crt'])
      expect((statSync(path.join(dir, f)).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    const again = await localCertificate(dir);
    expect(again.created).toBe(false);
    expect(again.cert).toBe(first.cert);

    const app = await productionApp();
    const e = await startRouter([route('/', 'web')], {}, { requestShape: shape });
    e.router.setUpstreams('web', [{ name: 'web-1', url: app.url }], 'live');
    const origin = await e.router.listenTls({ cert: first.cert, key: first.key, port: 0 });
    const ca = readFileSync(first.caFile);
    // Verified against the CA (no rejectUnauthorized: false): the chain and the name 127.0.0.1 hold.
    const res = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) =>
      https
        .get(`${origin}/login`, { ca }, (r) => {
          r.resume();
          resolve({ status: r.statusCode!, location: r.headers.location });
        })
        .on('error', reject),
    );
    expect(res.status).toBe(302);
    expect(res.location).toBe(`${origin}/account?next=%2F`);
    expect(app.seen[0]!['x-forwarded-proto']).toBe('https');
    await e.router.close();
    await app.close();
  });
});

describe('a redirect loop', () => {
  it('an app that redirects to the URL asked for is named, with the fix, in the access log', async () => {
    // Django without SECURE_PROXY_SSL_HEADER: every request looks like HTTP, so it sends it to HTTPS again.
    const up = await httpUpstream((req, res) =>
      res.writeHead(301, { location: `https://${req.headers.host}${req.url}`, 'content-length': 0 }).end(),
    );
    const e = await startRouter([route('/', 'web')], {}, { requestShape: shape });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const r = await get(e.url + '/login?next=/');
    expect(r.headers.location).toBe(`${e.url}/login?next=/`);
    expect(e.log.at(-1)?.note).toMatch(/^REDIRECT_LOOP: web redirects .* to itself.*SECURE_PROXY_SSL_HEADER/);
    await e.router.close();
    await up.close();
  });
});
