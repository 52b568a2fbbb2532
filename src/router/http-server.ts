/**
 * The node:http(s) servers' events beyond plain requests: Expect: 100-continue, CONNECT, parse errors (answered
 * after the requests before them, connection.ts), and two small helpers of the server: listen, count body bytes.
 */
import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { clientError, refuseRaw, watchClientSocket } from './connection.js';
import { mapFailure, rawResponse, type Failure } from './errors.js';
import type { RouterOptions } from './types.js';

export function wireServer(
  server: http.Server,
  opts: RouterOptions,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
) {
  const l = opts.limits;
  server.on('connection', watchClientSocket);
  server.on('secureConnection', watchClientSocket);
  server.on('upgrade', onUpgrade);
  // Expect: 100-continue. A body the edge would refuse by its declared length gets the refusal instead of a
  // 100 (nginx's order); any other gets its 100 Continue from the edge, which never passes Expect on.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!(Number(req.headers['content-length']) > l.maxBodyBytes)) res.writeContinue();
    onRequest(req, res);
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    const reply = mapFailure({ kind: 'method-not-allowed', method: 'CONNECT' });
    refuseRaw(socket as Socket, rawResponse(reply, req.headers.accept));
    opts.onAccess?.({ method: 'CONNECT', path: req.url ?? '', status: 405, bytes: 0, ms: 0, note: reply.code });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const f: Failure =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? { kind: 'header-too-large', limitBytes: l.maxHeaderBytes }
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'HPE_HEADERS_TIMEOUT'
          ? { kind: 'client-timeout', seconds: 60 }
          : { kind: 'bad-request', detail: `The request could not be parsed (${err.code ?? err.message}).` };
    const reply = mapFailure(f);
    clientError(socket as Socket, rawResponse(reply));
    opts.onAccess?.({ method: '-', path: '-', status: reply.status, bytes: 0, ms: 0, note: reply.explanation });
  });
}

export async function listenOn(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return `${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
}

/** Body bytes a static response writes (its headers are written whole by static.ts, out of the edge's view). */
export function countBody(res: ServerResponse): () => number {
  let n = 0;
  const size = (c: unknown) => (typeof c === 'string' ? Buffer.byteLength(c) : c instanceof Uint8Array ? c.length : 0);
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => ((n += size(chunk)), write(chunk, ...rest))) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') n += size(chunk);
    return end(chunk, ...rest);
  }) as typeof res.end;
  return () => n;
}
