/**
 * One request forwarded to one instance. `buffering` reads the whole request body first (a slow upload never
 * ties up a sync worker); `streaming` passes it through as it arrives. The response streams back in both modes,
 * optionally gzipped; if it breaks off after the headers went out, the client connection is destroyed, so the
 * client sees a broken transfer, never a complete one (seed 003: nginx re-gzipped a cut body as whole).
 * undici's dispatch API is used directly: it is the hot path, and it keeps headers as raw arrays.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable, type Writable } from 'node:stream';
import zlib from 'node:zlib';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import { ClientGone, connectionOf, MalformedBody, type ClientConnection } from './connection.js';
import type { Failure } from './errors.js';
import type { RouterLimits } from './types.js';
import { downstreamHeaders } from './forward.js';
import type { OriginRewrite } from './forward.js';
import type { Origin } from './transport.js';

export class BodyTooLarge extends Error {}
export class ClientTimeout extends Error {}
/** The edge holds more buffered uploads than its budget allows (nginx would spill them to disk). */
export class BufferFull extends Error {}

/** Memory for buffered request bodies across all clients, so many large uploads cannot exhaust the edge. */
export interface BufferBudget {
  used: number;
  readonly cap: number;
}

/**
 * Reads a request body whole, refusing it past `limit` bytes, past the shared budget, or after `idleMs`
 * without a byte. A refused body is left unread (not destroyed): the refusal page still has to reach the
 * client on that connection. The bytes stay charged to the budget until the caller releases them.
 */
export function readBody(req: IncomingMessage, limit: number, idleMs: number, budget: BufferBudget): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const conn = connectionOf(req.socket);
    const timer = idleMs > 0 ? setTimeout(() => settle(new ClientTimeout()), idleMs) : undefined;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      budget.used += chunk.length;
      if (size > limit) return settle(new BodyTooLarge());
      if (budget.used > budget.cap) return settle(new BufferFull());
      chunks.push(chunk);
      timer?.refresh();
    };
    const onEnd = () => settle();
    const onClose = () => settle(new ClientGone());
    function settle(err?: Error) {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      if (conn) conn.failBody = undefined;
      if (!err) return resolve(Buffer.concat(chunks, size));
      budget.used -= size;
      req.pause();
      reject(err);
    }
    if (conn) conn.failBody = settle;
    req.on('data', onData).on('end', onEnd).on('close', onClose);
  });
}

/** Why a buffered body was not read whole, as the failure the client is answered with. */
export function bodyFailure(err: unknown, l: RouterLimits, budget: BufferBudget, component: string): Failure {
  if (err instanceof BodyTooLarge) return { kind: 'body-too-large', limitMib: l.maxBodyBytes / 1048576 };
  if (err instanceof ClientTimeout) return { kind: 'client-timeout', seconds: l.idleTimeoutSeconds };
  if (err instanceof BufferFull) return { kind: 'buffer-full', capMib: budget.cap / 1048576 };
  if (err instanceof MalformedBody) return { kind: 'bad-request', detail: err.message };
  return { kind: 'client-gone', component };
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
  const conn = connectionOf(req.socket);
  if (conn) conn.failBody = (e) => counter.destroy(e);
  req.on('error', (e) => counter.destroy(e));
  req.on('end', () => conn && (conn.failBody = undefined));
  return req.pipe(counter);
}

const COMPRESSIBLE = /^(text\/(?!event-stream)|application\/(json|javascript|xml|x-javascript)|image\/svg)/;

export interface ForwardOptions {
  compress: boolean;
  /** Extra response headers (CORS), flat [name, value, ...]. */
  extraHeaders?: string[] | undefined;
  /** Maps the production origin back to the local one in the response's headers. */
  rewrite?: OriginRewrite | undefined;
}

/**
 * Called once per forwarded request: with the status when the response went out whole, else with the error;
 * and the body bytes relayed from the instance so far.
 */
export type ForwardDone = (err: unknown, status: number, bytes: number, location?: string) => void;

/** Relays one upstream response into the client response, with backpressure both ways. */
class ResponseRelay implements Dispatcher.DispatchHandler {
  status = 0;
  bytes = 0;
  location: string | undefined;
  private out: Writable;
  private resume?: () => void;
  private waitingForDrain = false;
  /**
   * Headers of a response with a Content-Length, held until its first body byte (one syscall for both). Until
   * they go out, a failure can still be answered with a 502 rather than an empty reply.
   */
  private held: string[] | undefined;
  private readonly conn: ClientConnection | undefined;
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly opts: ForwardOptions,
    private readonly release: () => void,
    private readonly done: ForwardDone,
  ) {
    this.out = res;
    this.conn = connectionOf(req.socket);
  }
  onConnect(abort: (err?: Error) => void) {
    if (this.conn) this.conn.abort = abort;
  }
  onHeaders(statusCode: number, raw: Buffer[], resume: () => void): boolean {
    // Interim responses: 103 Early Hints go on to the client as Caddy passes them; any other (102) stays here.
    if (statusCode < 200) {
      if (statusCode === 103) earlyHints(this.res, raw);
      return true;
    }
    this.status = statusCode;
    this.resume = resume;
    const d = downstreamHeaders(raw, this.opts.rewrite);
    this.location = d.location;
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
    } else if (d.contentLength < 0) {
      // Without a Content-Length, headers go out as they arrive (as nginx sends them), so a chunked body that
      // breaks off before its first byte is still seen as a broken 200, not a bare hang-up.
      this.res.writeHead(statusCode, headers);
      this.res.flushHeaders();
    } else this.held = headers;
    return true;
  }
  private sendHeld() {
    this.res.writeHead(this.status, this.held);
    this.held = undefined;
  }
  onData(chunk: Buffer): boolean {
    if (this.held) this.sendHeld();
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
    if (this.held) this.sendHeld();
    this.out.end();
    this.done(undefined, this.status, this.bytes, this.location);
  }
  onError(err: Error) {
    // A 304 or 204 carries no body whatever its Content-Length says (RFC 9110 8.6); undici counts the missing
    // body as a mismatch. The response is whole.
    if (
      (this.status === 304 || this.status === 204) &&
      this.bytes === 0 &&
      (err as NodeJS.ErrnoException).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
    )
      return this.onComplete();
    if (this.conn) this.conn.abort = undefined;
    this.release();
    this.done(err, this.status, this.bytes);
  }
}

/** An upstream's 103 Early Hints, passed on with their Link headers (node sends 103 only with one). */
function earlyHints(res: ServerResponse, raw: Buffer[]) {
  const hints: Record<string, string[]> = {};
  for (let i = 0; i < raw.length; i += 2)
    (hints[raw[i]!.toString('latin1').toLowerCase()] ??= []).push(raw[i + 1]!.toString('latin1'));
  if (hints.link && !res.headersSent) res.writeEarlyHints(hints);
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

export type UpstreamFailure =
  'first-byte-timeout' | 'idle-timeout' | 'refused' | 'closed' | 'interim-100' | 'client-gone' | 'invalid';

export function classify(err: unknown): UpstreamFailure {
  if (err instanceof ClientGone) return 'client-gone';
  if (err instanceof undiciErrors.HeadersTimeoutError) return 'first-byte-timeout';
  if (err instanceof undiciErrors.BodyTimeoutError) return 'idle-timeout';
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  // undici's one 'bad response' with a request in flight: a 100 Continue the edge never asked for (it sends no
  // Expect: the edge answers the client's Expect itself, as nginx does).
  if (code === 'UND_ERR_SOCKET' && e.message === 'bad response') return 'interim-100';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'closed';
  return 'invalid';
}
