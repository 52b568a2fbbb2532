/**
 * Legal but unusual answers from the app: a 304 with a Content-Length, 103 Early Hints, an interim 100 the edge
 * never asked for, and headers followed by nothing. Each reaches the client as a careful edge passes it.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { get, rawUpstream, route, startRouter } from '../../helpers/router.js';

const MODES = ['buffering', 'streaming'] as const;

/** The raw bytes the client receives for one GET, until the server closes or 3 s pass. */
function rawGet(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    let out = '';
    s.on('data', (b: Buffer) => (out += b.toString('latin1')));
    const end = () => (clearTimeout(t), resolve(out));
    const t = setTimeout(() => (s.destroy(), end()), 3000);
    s.on('close', end);
    s.on('error', end);
  });
}

describe.each(MODES)('upstream answers, %s mode', (mode) => {
  async function through(reply: string) {
    const up = await rawUpstream(reply);
    const e = await startRouter([route('/', 'web')], { mode, compress: true });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    return { e, up, close: async () => (await e.router.close(), await up.close()) };
  }

  it('a 304 with a Content-Length is passed on as a 304 (it has no body, whatever its length says)', async () => {
    const t = await through('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 1234\r\n\r\n');
    const r = await get(t.e.url + '/', { headers: { 'if-none-match': '"v1"' } });
    expect(r.status).toBe(304);
    expect(r.headers.etag).toBe('"v1"');
    expect(t.e.log.at(-1)?.status).toBe(304);
    await t.close();
  });

  it('103 Early Hints go on to the client before the final response', async () => {
    const t = await through(
      'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
    );
    const text = await rawGet(t.e.port);
    expect(text).toMatch(/^HTTP\/1\.1 103 Early Hints\r\n[^]*link: <\/style\.css>; rel=preload; as=style/i);
    expect(text).toMatch(/HTTP\/1\.1 200 OK[^]*\r\n\r\nhello$/);
    await t.close();
  });

  it('an interim 100 the edge never asked for is named as such, not as a dropped connection', async () => {
    const t = await through('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const r = await get(t.e.url + '/', { headers: { accept: 'application/json' } });
    expect(r.status).toBe(502);
    expect(r.body.toString()).toContain('100 Continue the edge never asked for');
    expect(t.e.log.at(-1)?.note).not.toMatch(/closed the connection/);
    await t.close();
  });

  it('headers with a Content-Length, then nothing: a 502 page, not an empty reply', async () => {
    const t = await through('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n');
    const text = await rawGet(t.e.port);
    expect(text).toMatch(/^HTTP\/1\.1 502 /);
    await eventually(() => expect(t.e.log.at(-1)?.status).toBe(502));
    await t.close();
  });
});
