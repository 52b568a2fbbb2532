/** The router never passes a broken response on as whole, and buffering protects sync workers from slow clients. */
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { eventually } from '../../helpers/eventually.js';
import { get, httpUpstream, rawUpstream, route, startRouter } from '../../helpers/router.js';

const MODES = ['buffering', 'streaming'] as const;

describe.each(MODES)('truncation in %s mode', (mode) => {
  const cases = {
    'promises 1000 bytes, sends 500': `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n${'a'.repeat(500)}`,
    'breaks off a chunked body': `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n${'b'.repeat(100)}\r\n64\r\n${'c'.repeat(40)}`,
  };
  for (const [name, reply] of Object.entries(cases)) {
    for (const compress of [false, true]) {
      it(`${name}${compress ? ', gzipped by the router' : ''}: the client sees an aborted transfer`, async () => {
        const up = await rawUpstream(reply);
        const e = await startRouter([route('/', 'web')], { mode, compress });
        e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
        const r = await get(e.url + '/', { headers: { 'accept-encoding': compress ? 'gzip' : 'identity' } });
        expect(r.status).toBe(200);
        if (compress) expect(r.headers['content-encoding']).toBe('gzip');
        expect(r.complete).toBe(false);
        // undici aborts the client before the router's catch runs: wait for the log line.
        await eventually(
          () => expect(e.log.at(-1)?.note).toMatch(/^TRUNCATED: web \(web-1\) ended the response early/),
          2000,
          20,
        );
        // What reached the client before the cut, as the instance sent it.
        expect(e.log.at(-1)?.bytes).toBe(name.startsWith('promises') ? 500 : 140);
        await e.router.close();
        await up.close();
      });
    }
  }
  it('a complete response is passed on complete (the control)', async () => {
    const up = await rawUpstream(
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789`,
    );
    const e = await startRouter([route('/', 'web')], { mode, compress: true });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const r = await get(e.url + '/', { headers: { 'accept-encoding': 'gzip' } });
    expect(r.complete).toBe(true);
    await e.router.close();
    await up.close();
  });
});

/**
 * A sync upstream with one worker, like gunicorn's default: it serves one connection at a time, reading the
 * whole request before answering, and closes the connection after each response.
 */
async function oneWorkerUpstream(order: string[]) {
  const queue: net.Socket[] = [];
  let busy = false;
  const next = () => {
    if (busy || queue.length === 0) return;
    busy = true;
    const s = queue.shift()!;
    let data = '';
    const onData = (b: Buffer) => {
      data += b.toString('latin1');
      const head = data.indexOf('\r\n\r\n');
      if (head < 0) return;
      const len = Number(/content-length: *(\d+)/i.exec(data.slice(0, head))?.[1] ?? 0);
      if (data.length - head - 4 < len) return;
      const who = /x-client: *(\w+)/i.exec(data)?.[1] ?? '?';
      order.push(who);
      s.off('data', onData);
      s.end(`HTTP/1.1 200 OK\r\nContent-Length: ${who.length}\r\nConnection: close\r\n\r\n${who}`);
      s.on('close', () => ((busy = false), next()));
    };
    s.on('data', onData);
    s.on('error', () => ((busy = false), next()));
  };
  const server = net.createServer((s) => (queue.push(s), next()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

function slowUpload(url: string, seconds: number): Promise<unknown> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), '127.0.0.1', () => {
      const size = seconds * 10;
      s.write(`POST /upload HTTP/1.1\r\nHost: x\r\nX-Client: slow\r\nContent-Length: ${size}\r\n\r\n`);
      let sent = 0;
      const t = setInterval(() => {
        s.write('0123456789');
        if (++sent === seconds) clearInterval(t);
      }, 1000);
    });
    s.on('data', () => (s.destroy(), resolve(undefined)));
    s.on('error', resolve);
  });
}

describe('a slow client in front of a one-worker sync upstream', () => {
  for (const mode of MODES) {
    it(`${mode}: ${mode === 'buffering' ? 'a fast client is served while the slow upload is still arriving' : 'a fast client waits behind the slow upload (the production failure)'}`, async () => {
      const order: string[] = [];
      const up = await oneWorkerUpstream(order);
      const e = await startRouter([route('/', 'web')], { mode });
      e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
      const slow = slowUpload(e.url, 5);
      await new Promise((r) => setTimeout(r, 500)); // the slow upload has begun
      const fast = await get(e.url + '/', { headers: { 'x-client': 'fast' } });
      expect(fast.body.toString()).toBe('fast');
      await slow;
      expect(order).toEqual(mode === 'buffering' ? ['fast', 'slow'] : ['slow', 'fast']);
      await e.router.close();
      up.close();
    }, 20_000);
  }
});

describe.each(MODES)('streams in %s mode', (mode) => {
  it('relays a websocket echo, and a refused upgrade as the upstream answered it', async () => {
    const up = await httpUpstream((_req, res) => res.writeHead(426).end('websocket only at /ws'));
    const wss = new WebSocketServer({ noServer: true });
    up.server.on('upgrade', (req, socket, head) => {
      if (req.url !== '/ws') return socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (m) => ws.send(`echo: ${m.toString()}`)));
    });
    const e = await startRouter([route('/live', 'web')], { mode });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const ws = new WebSocket(e.url.replace('http', 'ws') + '/live/ws');
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hello'));
      ws.on('message', (m) => resolve(m.toString()));
      ws.on('error', reject);
    });
    expect(reply).toBe('echo: hello');
    ws.close();
    const refused = new WebSocket(e.url.replace('http', 'ws') + '/live/other');
    const status = await new Promise<number>((resolve) =>
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode!)),
    );
    expect(status).toBe(403);
    await e.router.close();
    await up.close();
    wss.close();
  });

  it('passes server-sent events through as they are sent, before the response ends', async () => {
    const up = await httpUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: first\n\n');
      setTimeout(() => res.end('data: last\n\n'), 1500);
    });
    const e = await startRouter([route('/', 'web')], { mode, compress: true });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const res = await fetch(e.url + '/events', { headers: { 'accept-encoding': 'gzip' } });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('data: last\n\n');
    await e.router.close();
    await up.close();
  });
  it("a client that goes away mid-stream closes the instance's response too (no orphaned stream)", async () => {
    let upstreamClosed = false;
    const up = await httpUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const tick = setInterval(() => res.write('data: tick\n\n'), 50);
      res.on('close', () => {
        clearInterval(tick);
        upstreamClosed = true;
      });
    });
    const e = await startRouter([route('/', 'web')], { mode });
    e.router.setUpstreams('web', [{ name: 'web-1', url: up.url }], 'live');
    const ac = new AbortController();
    const res = await fetch(e.url + '/events', { signal: ac.signal });
    await res.body!.getReader().read();
    expect(upstreamClosed).toBe(false);
    ac.abort();
    await eventually(() => expect(upstreamClosed).toBe(true));
    await e.router.close();
    await up.close();
  });
});
