/**
 * The edge answers the corners of HTTP/1.1 as nginx and Caddy do, on raw sockets: Expect, pipelining, garbage
 * after a valid request, request-target forms, CONNECT, duplicate Host, GET bodies, spoofed forwarding headers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { httpUpstream, route, startRouter } from '../../helpers/router.js';

const MODES = ['buffering', 'streaming'] as const;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An upstream that records each request whole and answers with what it saw. */
async function recorder(delayMs: (s: Seen) => number = () => 0) {
  const seen: Seen[] = [];
  const events: string[] = [];
  const up = await httpUpstream((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      events.push(`start ${s.method} ${s.url}`);
      setTimeout(() => {
        events.push(`end ${s.method} ${s.url}`);
        const text = `${s.method} ${s.url} ${body}`;
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) }).end(text);
      }, delayMs(s));
    });
  });
  return { ...up, seen, events };
}

/** Writes each part in turn, then collects what comes back until `done` says so, the server closes, or 4 s. */
function exchange(
  port: number,
  parts: (string | Buffer)[],
  done: (out: string) => boolean = () => false,
  gapMs = 0,
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const finish = () => (clearTimeout(t), s.destroy(), resolve({ text, closed }));
    const t = setTimeout(finish, 4000);
    s.on('connect', async () => {
      for (const p of parts) {
        if (s.destroyed) return;
        s.write(p);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
    s.on('data', (b: Buffer) => {
      text += b.toString('latin1');
      if (done(text)) finish();
    });
    s.on('end', () => ((closed = true), finish()));
    s.on('error', () => ((closed = true), finish()));
  });
}

const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

describe.each(MODES)('client side, %s mode', (mode) => {
  it('Expect: 100-continue gets a 100, then the request reaches the app without Expect', async () => {
    const up = await recorder();
    const e = await startRouter([route('/', 'web')], { mode });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const head = `POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`;
    const s = net.connect(e.port, '127.0.0.1', () => s.write(head));
    let text = '';
    await new Promise<void>((resolve) =>
      s.on('data', (b: Buffer) => {
        text += b.toString();
        if (text.includes('100 Continue') && !text.includes('hello')) s.write('hello');
        if (text.includes('POST /up hello')) resolve();
      }),
    );
    s.destroy();
    expect(statuses(text)).toEqual([100, 200]);
    expect(up.seen[0]!.headers.expect).toBeUndefined();
    // Declared over the limit: refused at once, with no 100 (nginx's order).
    const big = await exchange(
      e.port,
      [`POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: ${2 * 1048576}\r\nExpect: 100-continue\r\n\r\n`],
      (t) => t.includes('BODY_TOO_LARGE'),
    );
    expect(statuses(big.text)).toEqual([413]);
    await e.router.close();
    await up.close();
  });

  it('pipelined requests reach the app in order, each after the one before was answered', async () => {
    const up = await recorder((s) => (s.method === 'POST' ? 300 : 0));
    const e = await startRouter([route('/', 'web')], { mode });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const r = await exchange(
      e.port,
      [`POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: x\r\n\r\n`],
      (t) => t.includes('GET /b'),
    );
    expect(up.events).toEqual(['start POST /a', 'end POST /a', 'start GET /b', 'end GET /b']);
    expect(r.text.indexOf('POST /a abc')).toBeLessThan(r.text.indexOf('GET /b'));
    await e.router.close();
    await up.close();
  });

  it('garbage after a valid request: the valid one is answered, then a 400, then the connection closes', async () => {
    const up = await recorder(() => 100);
    const e = await startRouter([route('/', 'web')], { mode });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const r = await exchange(e.port, [
      `POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc\x01\x02 nonsense\r\n\r\n`,
    ]);
    expect(statuses(r.text)).toEqual([200, 400]);
    expect(r.text).toContain('POST /a abc');
    expect(r.closed).toBe(true);
    await e.router.close();
    await up.close();
  });

  it('garbage during a streamed response: the 400 comes after the whole chunked body, not inside it', async () => {
    const up = await httpUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('part one;');
      setTimeout(() => res.end('part two'), 300);
    });
    const e = await startRouter([route('/', 'web')], { mode });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const r = await exchange(
      e.port,
      [`GET /s HTTP/1.1\r\nHost: x\r\n\r\n`, `\x01garbage\r\n\r\n`],
      (t) => t.includes('BAD_REQUEST'),
      100,
    );
    const cut = r.text.indexOf('HTTP/1.1 400');
    expect(cut).toBeGreaterThan(0);
    // The chunked body ended (its last chunk) before the 400 began.
    expect(r.text.slice(0, cut)).toMatch(/part two\r\n0\r\n\r\n$/);
    await e.router.close();
    await up.close();
  });

  it('a GET with a body passes the body on', async () => {
    const up = await recorder();
    const e = await startRouter([route('/', 'web')], { mode });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const r = await exchange(e.port, [`GET /q HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{"a":1}`], (t) =>
      t.includes('GET /q'),
    );
    expect(r.text).toContain('GET /q {"a":1}');
    expect(up.seen[0]!.body).toBe('{"a":1}');
    await e.router.close();
    await up.close();
  });
});

describe('request targets, methods and Host', () => {
  it('an absolute-form URI is routed on its path and passed on in origin-form', async () => {
    const up = await recorder();
    const api = await recorder();
    const e = await startRouter([route('/', 'web'), route('/api', 'api')]);
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    e.router.setUpstreams('api', [{ name: 'api-1', url: api.url }], 'live');
    const r = await exchange(e.port, [`GET http://evil.example/api/list?x=1 HTTP/1.1\r\nHost: x\r\n\r\n`], (t) =>
      t.includes('GET /list'),
    );
    expect(statuses(r.text)).toEqual([200]);
    expect(api.seen[0]!.url).toBe('/list?x=1');
    // The URI's authority replaces Host (RFC 9112 3.2.2).
    expect(api.seen[0]!.headers['x-forwarded-host']).toBe('evil.example');
    expect(up.seen).toEqual([]);
    await e.router.close();
    await up.close();
    await api.close();
  });

  it('OPTIONS * is answered by the edge; CONNECT gets 405; two Host headers get 400; none reach the app', async () => {
    const up = await recorder();
    const e = await startRouter([route('/', 'web')]);
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const star = await exchange(e.port, [`OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n`], (t) => t.includes('\r\n\r\n'));
    expect(statuses(star.text)).toEqual([200]);
    const connect = await exchange(e.port, [`CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`]);
    expect(statuses(connect.text)).toEqual([405]);
    expect(connect.text).toContain('METHOD_NOT_ALLOWED');
    const twoHosts = await exchange(e.port, [`GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n`]);
    expect(statuses(twoHosts.text)).toEqual([400]);
    expect(up.seen).toEqual([]);
    await e.router.close();
    await up.close();
  });

  it('spoofed forwarding headers, underscore spellings included, never reach the app', async () => {
    const up = await recorder();
    const e = await startRouter([route('/', 'web')]);
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    await exchange(
      e.port,
      [
        'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\nX_Forwarded_For: 6.6.6.6\r\n' +
          'Forwarded: for=6.6.6.6;proto=https\r\nX-Real-IP: 6.6.6.6\r\nX_Real_IP: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n\r\n',
      ],
      (t) => t.includes('GET /'),
    );
    const h = up.seen[0]!.headers;
    expect(JSON.stringify(h)).not.toContain('6.6.6.6');
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h.forwarded).toBeUndefined();
    expect(h['x-real-ip']).toBeUndefined();
    await e.router.close();
    await up.close();
  });
});

describe('buffering mode limits', () => {
  it('a chunked upload over the limit gets its 413', async () => {
    const up = await recorder();
    const e = await startRouter([route('/', 'web')], { mode: 'buffering', maxBodyBytes: 64 * 1024 });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const chunk = `8000\r\n${'x'.repeat(0x8000)}\r\n`;
    const r = await exchange(
      e.port,
      [`POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`, chunk, chunk, chunk, '0\r\n\r\n'],
      (t) => t.includes('BODY_TOO_LARGE'),
      20,
    );
    expect(statuses(r.text)).toEqual([413]);
    expect(up.seen).toEqual([]);
    await e.router.close();
    await up.close();
  });

  it('a client that stops sending its body gets the 408 page', async () => {
    const e = await startRouter([route('/', 'web')], { mode: 'buffering', idleTimeoutSeconds: 1 });
    e.router.setUpstreams('web', [{ name: 'web-1', url: 'http://127.0.0.1:9' }], 'live');
    const r = await exchange(e.port, [`POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this`], (t) =>
      t.includes('CLIENT_TIMEOUT\r\n'),
    );
    expect(statuses(r.text)).toEqual([408]);
    expect(r.text).toContain('sent no byte of its request body for 1 s');
    await e.router.close();
  });

  it(
    'the bytes buffered across all clients are capped: past the cap, an upload gets a 503',
    { timeout: 30_000 },
    async () => {
      const up = await recorder();
      const e = await startRouter([route('/', 'web')], {
        mode: 'buffering',
        maxBodyBytes: 1048576,
        maxBufferedBytes: 1048576 + 512 * 1024,
      });
      e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
      // One client holds 900 KiB of a 1 MiB upload in the edge's memory...
      const holder = net.connect(e.port, '127.0.0.1');
      holder.write(`POST /hold HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n${'h'.repeat(900 * 1024)}`);
      // ...so a second one of 900 KiB no longer fits under the cap (once the holder's bytes have all arrived).
      await eventually(async () => {
        const r = await exchange(
          e.port,
          [`POST /more HTTP/1.1\r\nHost: x\r\nContent-Length: ${900 * 1024}\r\n\r\n${'m'.repeat(900 * 1024)}`],
          (t) => t.includes('EDGE_BUFFER_FULL\r\n') || t.includes('POST /more'),
        );
        expect(statuses(r.text)).toEqual([503]);
      }, 10_000);
      holder.destroy();
      // The holder's bytes are released when it goes: the next upload fits again.
      await eventually(async () => {
        const ok = await exchange(e.port, [`POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello`], (t) =>
          t.includes('POST /after'),
        );
        expect(statuses(ok.text)).toEqual([200]);
      });
      await e.router.close();
      await up.close();
    },
  );
});

describe('the access log', () => {
  it('a client that goes away is logged as such, not as a bad gateway', async () => {
    const up = await httpUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const t = setInterval(() => res.write('tick\n'), 20);
      res.on('close', () => clearInterval(t));
    });
    const e = await startRouter([route('/', 'web')]);
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    await exchange(e.port, [`GET /s HTTP/1.1\r\nHost: x\r\n\r\n`], (t) => t.includes('tick'));
    await eventually(() => expect(e.log.at(-1)?.status).toBe(499));
    expect(e.log.at(-1)?.note).toMatch(/^CLIENT_CLOSED: .*not at fault/);
    await e.router.close();
    await up.close();
  });

  it('a static file is logged with its size', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'site-'));
    writeFileSync(path.join(dir, 'index.html'), '<h1>twenty bytes</h1>');
    const e = await startRouter(
      [route('/', 'site')],
      {},
      {
        staticSites: { site: { root: dir, indexDocument: 'index.html', errorDocument: '404.html' } },
      },
    );
    await exchange(e.port, [`GET / HTTP/1.1\r\nHost: x\r\n\r\n`], (t) => t.includes('</h1>'));
    await eventually(() => expect(e.log.at(-1)?.bytes).toBe(21));
    await e.router.close();
  });
});
