/**
 * WebSockets (and any Upgrade) relayed as bytes in both modes. node:http.request is used rather than undici's
 * upgrade(), which loses the upstream's answer when it is not a 101; here a refusal is passed on as it came.
 */
import http, { type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { scanRequest } from './forward.js';
import type { Match } from './route-table.js';
import type { AccessLogEntry, RouterOptions } from './types.js';
import type { Upstream } from './upstreams.js';

/** An upgrade request: relayed to a live instance of its route with the edge's headers, else a 404. */
export function upgradeTo(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  match: Match | undefined,
  up: Upstream | undefined,
  opts: RouterOptions,
) {
  const started = Date.now();
  const log = (e: Omit<AccessLogEntry, 'method' | 'path' | 'ms'>) =>
    opts.onAccess?.({ method: req.method ?? 'GET', path: req.url ?? '/', ms: Date.now() - started, ...e });
  if (!match || !up) {
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    return log({ status: 404, bytes: 0, note: 'upgrade with no route or no live instance' });
  }
  // The upgrade itself is hop-by-hop, and must be passed on for this one hop.
  const arrival = { scheme: (req.socket as TLSSocket).encrypted ? 'https' : 'http', authority: undefined };
  const inbound = scanRequest(req, opts.requestShape, arrival);
  const headers = [...inbound.headers, 'connection', 'Upgrade', 'upgrade', String(req.headers.upgrade)];
  relayUpgrade(req, socket, head, new URL(match.upstreamPath, up.url), headers, (status) =>
    log({ component: match.route.component!, instance: up.name, status, bytes: 0, note: 'upgrade' }),
  );
}

export function relayUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  target: URL,
  headers: string[],
  onDone: (status: number) => void,
): void {
  const up = http.request({
    host: target.hostname,
    port: target.port,
    path: target.pathname + target.search,
    method: req.method,
    headers,
  });
  const fail = (status: number) => {
    if (client.writable)
      client.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else client.destroy();
    onDone(status);
  };
  up.on('upgrade', (res, socket, upHead) => {
    const lines = [`HTTP/1.1 101 ${res.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
    client.write(lines.join('\r\n') + '\r\n\r\n');
    if (upHead.length) client.write(upHead);
    if (head.length) socket.write(head);
    socket.pipe(client).pipe(socket);
    const close = () => (socket.destroy(), client.destroy());
    socket.on('error', close).on('close', close);
    client.on('error', close).on('close', close);
    onDone(101);
  });
  up.on('response', (res) => {
    // The upstream refused the upgrade: pass its answer on as it came.
    const lines = [`HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}`];
    for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
    client.write(lines.join('\r\n') + '\r\n\r\n');
    res.pipe(client);
    onDone(res.statusCode ?? 502);
  });
  up.on('error', () => fail(502));
  client.on('error', () => up.destroy());
  up.end();
}
