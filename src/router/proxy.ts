/**
 * One request forwarded to one instance. `buffering` reads the whole request body first (a slow upload never
 * ties up a sync worker); `streaming` passes it through as it arrives. The response streams back in both modes,
 * optionally gzipped; if it breaks off after the headers went out, the client connection is destroyed, so the
 * client sees a broken transfer, never a complete one (seed 003: nginx re-gzipped a cut body as whole).
 * undici's dispatch API is used directly: it is the hot path, and it keeps headers as raw arrays.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type Readable, type Writable } from 'node:stream';
import zlib from 'node:zlib';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import { downstreamHeaders } from './forward.js';
import type { Origin } from './transport.js';

export class BodyTooLarge extends Error {}
export class ClientTimeout extends Error {}

/** Reads a request body whole, refusing it past `limit` bytes or after `idleMs` without a byte. */
export async function readBody(req: IncomingMessage, limit: number, idleMs: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (idleMs > 0) req.setTimeout(idleMs, () => req.destroy(new ClientTimeout('client sent no byte for too long')));
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new BodyTooLarge();
      chunks.push(chunk);
    }
  } finally {
    req.setTimeout(0);
  }
  return Buffer.concat(chunks);
}

/** Streaming mode cannot read ahead: it counts bytes as they pass and fails the upload past the limit. */
export function limitBody(req: IncomingMessage, limit: number): Readable {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > limit ? new BodyTooLarge() : null, chunk);
    },
  });
  req.on('error', (e) => counter.destroy(e));
  return req.pipe(counter);
}

const COMPRESSIBLE = /^(text\/(?!event-stream)|application\/(json|javascript|xml|x-javascript)|image\/svg)/;

export interface ForwardOptions {
  compress: boolean;
  /** Extra response headers (CORS), flat [name, value, ...]. */
  extraHeaders?: string[] | undefined;
}

/**
 * Called once per forwarded request: with the status when the response went out whole, else with the error;
 * and the body bytes relayed from the instance so far.
 */
export type ForwardDone = (err: unknown, status: number, bytes: number) => void;

/**
 * The abort of the exchange in flight on a client connection. One listener per connection, not one per
 * request: a keep-alive connection carries thousands of requests, and when the client goes away mid-response
 * (HTTP/1.1: the connection closes) the instance must stop being read. Kept beside the socket, not on it: a
 * property added to node's sockets changes their shape, and every access node's own code makes to them slows.
 */
interface ClientConnection {
  abort: ((err: Error) => void) | undefined;
}
const connections = new WeakMap<Socket, ClientConnection>();

export function watchClientSocket(socket: Socket) {
  const conn: ClientConnection = { abort: undefined };
  connections.set(socket, conn);
  socket.once('close', () => conn.abort?.(new Error('client closed the connection')));
}

/** Relays one upstream response into the client response, with backpressure both ways. */
class ResponseRelay implements Dispatcher.DispatchHandler {
  status = 0;
  bytes = 0;
  private out: Writable;
  private resume?: () => void;
  private waitingForDrain = false;
  private readonly conn: ClientConnection | undefined;
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly opts: ForwardOptions,
    private readonly release: () => void,
    private readonly done: ForwardDone,
  ) {
    this.out = res;
    this.conn = connections.get(req.socket);
  }
  onConnect(abort: (err?: Error) => void) {
    if (this.conn) this.conn.abort = abort;
  }
  onHeaders(statusCode: number, raw: Buffer[], resume: () => void): boolean {
    this.status = statusCode;
    this.resume = resume;
    const d = downstreamHeaders(raw);
    const headers = this.opts.extraHeaders ? d.headers.concat(this.opts.extraHeaders) : d.headers;
    const gzip =
      this.opts.compress &&
      this.req.method !== 'HEAD' &&
      statusCode >= 200 &&
      statusCode !== 204 &&
      statusCode !== 304 &&
      !d.encoded &&
      COMPRESSIBLE.test(d.contentType) &&
      /\bgzip\b/.test(String(this.req.headers['accept-encoding'] ?? ''));
    if (gzip) {
      const h: string[] = [];
      for (let i = 0; i < headers.length; i += 2)
        if (headers[i]!.toLowerCase() !== 'content-length') h.push(headers[i]!, headers[i + 1]!);
      h.push('content-encoding', 'gzip', 'vary', 'Accept-Encoding');
      this.res.writeHead(statusCode, h);
      this.res.flushHeaders();
      const z = zlib.createGzip();
      z.pipe(this.res);
      this.out = z;
    } else {
      this.res.writeHead(statusCode, headers);
      // Without a Content-Length, headers go out as they arrive (as nginx sends them), so a chunked body that
      // breaks off before its first byte is still seen as a broken 200, not a bare hang-up. With one, the first
      // body write carries them: one syscall fewer per response on the hot path.
      if (d.contentLength < 0) this.res.flushHeaders();
    }
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    if (this.out.write(chunk)) return true;
    // A slow client: stop reading the instance until the client has taken what is queued.
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      this.out.on('drain', () => this.resume?.());
    }
    return false;
  }
  onComplete() {
    if (this.conn) this.conn.abort = undefined;
    this.release();
    this.out.end();
    this.done(undefined, this.status, this.bytes);
  }
  onError(err: Error) {
    if (this.conn) this.conn.abort = undefined;
    this.release();
    this.done(err, this.status, this.bytes);
  }
}

/** Sends one request to an instance and relays its response; `done` is called exactly once. */
export function forward(
  origin: Origin,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: string[],
  body: Buffer | Readable | null,
  opts: ForwardOptions,
  done: ForwardDone,
): void {
  const connection = origin.acquire();
  connection.dispatch(
    { path, method: req.method as Dispatcher.HttpMethod, headers, body },
    new ResponseRelay(req, res, opts, () => origin.release(connection), done),
  );
}

export type UpstreamFailure = 'first-byte-timeout' | 'idle-timeout' | 'refused' | 'closed' | 'invalid';

export function classify(err: unknown): UpstreamFailure {
  if (err instanceof undiciErrors.HeadersTimeoutError) return 'first-byte-timeout';
  if (err instanceof undiciErrors.BodyTimeoutError) return 'idle-timeout';
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'closed';
  return 'invalid';
}
