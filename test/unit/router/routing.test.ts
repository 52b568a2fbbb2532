/** Routing, headers, limits and error pages, through real sockets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, httpUpstream, raw, route, startRouter } from '../../helpers/router.js';

let echo: Awaited<ReturnType<typeof httpUpstream>>;
let edge: Awaited<ReturnType<typeof startRouter>>;

beforeAll(async () => {
  echo = await httpUpstream((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
    if (req.url?.endsWith('/missing')) return void res.writeHead(404).end('nope');
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () =>
      res
        .setHeader('content-type', 'application/json')
        .end(JSON.stringify({ url: req.url, size, headers: req.headers })),
    );
  });
  edge = await startRouter(
    [
      route('/', 'web'),
      route('/api', 'api'),
      route('/api/admin', 'admin', { preservePathPrefix: true }),
      route('/v1', 'api', { rewrite: '/api/v1' }),
      route('/old', 'web', { redirect: { uri: '/new', code: 301 } }),
      route('/down', 'gone'),
      route('/cors', 'api', {
        cors: {
          allowOrigins: [{ exact: 'https://app.example' }],
          allowMethods: ['GET', 'POST'],
          allowHeaders: ['x-token'],
          exposeHeaders: [],
          maxAge: '1h',
          allowCredentials: true,
        },
      }),
    ],
    { firstByteTimeoutSeconds: 1 },
  );
  for (const c of ['web', 'api', 'admin']) edge.router.setUpstreams(c, [{ name: `${c}-1`, url: echo.url }], 'live');
  edge.router.setUpstreams('gone', [], 'crashed: gone-1 exited with code 1 after 0.4s: KeyError: DATABASE_URL');
});
afterAll(async () => {
  await edge.router.close();
  await echo.close();
});

const body = async (path: string, opts = {}) =>
  JSON.parse((await get(edge.url + path, opts)).body.toString()) as {
    url: string;
    size: number;
    headers: Record<string, string>;
  };

describe('routes', () => {
  it.each([
    ['/', '/'],
    ['/api/users?page=2', '/users?page=2'],
    ['/api', '/'],
    ['/api/admin/x', '/api/admin/x'],
    ['/apix', '/apix'],
    ['/v1/list', '/api/v1/list'],
  ])('%s reaches the app as %s', async (path, seen) => expect((await body(path)).url).toBe(seen));

  it('answers redirect rules itself', async () => {
    const r = await get(edge.url + '/old');
    expect([r.status, r.headers.location]).toEqual([301, '/new']);
  });

  it('logs a 404 behind a stripped prefix with the reason', async () => {
    await get(edge.url + '/api/missing');
    expect(edge.log.find((e) => e.path === '/api/missing')).toMatchObject({
      status: 404,
      component: 'api',
      instance: 'api-1',
      note: expect.stringMatching(/prefix \/api was stripped before api saw \/missing; set preserve_path_prefix: true/),
    });
  });
});

describe('headers', () => {
  it('sets X-Forwarded-*, a request id, and drops hop-by-hop headers', async () => {
    const { headers } = await body('/', {
      headers: { connection: 'keep-alive, x-drop-me', 'x-drop-me': '1', 'keep-alive': 'timeout=5', te: 'trailers' },
    });
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe(new URL(edge.url).host);
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['x-drop-me']).toBeUndefined();
    expect(headers['keep-alive']).toBeUndefined();
    expect(headers.te).toBeUndefined();
  });
});

describe('limits', () => {
  it('413 for a body over the limit, declared or streamed', async () => {
    expect((await get(edge.url + '/', { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024) })).status).toBe(413);
    const chunked = await get(edge.url + '/', {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(2 * 1024 * 1024),
    });
    expect(chunked.status).toBe(413); // streaming mode counts as the body passes
  });
  it('431 for headers over the limit', async () => {
    expect((await get(edge.url + '/', { headers: { cookie: 'x'.repeat(20_000) } })).status).toBe(431);
  });
  it('504 with the platform code when the app sends nothing in time', async () => {
    const r = await get(edge.url + '/slow', { headers: { accept: 'application/json' } });
    expect(r.status).toBe(504);
    expect(JSON.parse(r.body.toString())).toEqual({
      status: 504,
      code: 'EDGE_TIMEOUT',
      error: expect.stringMatching(/web sent no response within App Platform's 1 s request timeout/),
    });
  });
});

describe('error pages that explain', () => {
  it('503 names the component and why it has no live instance, as HTML for browsers', async () => {
    const r = await get(edge.url + '/down', { headers: { accept: 'text/html' } });
    expect(r.status).toBe(503);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body.toString()).toMatch(
      /gone has no live instance: crashed: gone-1 exited with code 1 after 0.4s: KeyError: DATABASE_URL/,
    );
  });
  it('502 with the explanation the runtime gives for a refusing instance, as plain text for curl', async () => {
    const e = await startRouter(
      [route('/', 'web')],
      {},
      {
        explain: async () =>
          'web-1 listens on 127.0.0.1:8080, which only the container itself can reach; bind 0.0.0.0:8080',
      },
    );
    e.router.setUpstreams('web', [{ name: 'web-1', url: 'http://127.0.0.1:1' }], 'live');
    const r = await get(e.url + '/');
    expect(r.status).toBe(502);
    expect(r.body.toString()).toBe(
      '502 Bad Gateway (UPSTREAM_REFUSED): web-1 listens on 127.0.0.1:8080, which only the container itself can reach; bind 0.0.0.0:8080\n',
    );
    await e.router.close();
  });
});

describe('CORS from the ingress policy', () => {
  it('answers an allowed preflight at the edge and refuses others', async () => {
    const ok = await get(edge.url + '/cors', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'x-token',
      'access-control-max-age': '3600',
      'access-control-allow-credentials': 'true',
    });
    const no = await get(edge.url + '/cors', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(no.status).toBe(403);
    const simple = await get(edge.url + '/cors', { headers: { origin: 'https://app.example' } });
    expect(simple.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});

describe('request smuggling', () => {
  it('refuses Content-Length together with Transfer-Encoding', async () => {
    const reply = await raw(
      edge.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).not.toMatch(/"url"/);
  });
});

describe('access log', () => {
  it('has one line per request with component, instance, status, bytes and duration', async () => {
    await get(edge.url + '/api/ping');
    const e = edge.log.find((x) => x.path === '/api/ping')!;
    expect(e).toMatchObject({ method: 'GET', component: 'api', instance: 'api-1', status: 200 });
    expect(e.bytes).toBeGreaterThan(0);
    expect(e.ms).toBeGreaterThanOrEqual(0);
  });
});
