/**
 * One request forwarded to one instance. `buffering` reads the whole request body first (a slow upload never
 * ties up a sync worker); `streaming` passes it through as it arrives. The response streams back in both modes,
 * optionally gzipped; if it breaks off after the headers went out, the client connection is destroyed, so the
 * client sees a broken transfer, never a complete one (seed 003: nginx re-gzipped a cut body as whole).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Transform, type Readable, type Writable } from 'node:stream';
import zlib from 'node:zlib';
import { errors as undiciErrors, stream as undiciStream, type Agent } from 'undici';
import { stripHop } from './forward.js';

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

function shouldCompress(req: IncomingMessage, status: number, h: Record<string, unknown>): boolean {
  if (req.method === 'HEAD' || status === 204 || status === 304 || status < 200) return false;
  if (h['content-encoding'] || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return false;
  return COMPRESSIBLE.test(String(h['content-type'] ?? ''));
}

export interface ForwardResult {
  status: number;
}

export async function forward(
  agent: Agent,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string | string[]>,
  body: Buffer | Readable | null,
  opts: { compress: boolean; extraHeaders?: OutgoingHttpHeaders | undefined },
): Promise<ForwardResult> {
  let status = 0;
  await undiciStream(
    url,
    { method: req.method as 'GET', headers, body, dispatcher: agent },
    ({ statusCode, headers: upHeaders }) => {
      status = statusCode;
      const h = stripHop(upHeaders as Record<string, string | string[]>) as OutgoingHttpHeaders;
      Object.assign(h, opts.extraHeaders);
      if (opts.compress && shouldCompress(req, statusCode, h)) {
        delete h['content-length'];
        h['content-encoding'] = 'gzip';
        h.vary = h.vary ? `${String(h.vary)}, Accept-Encoding` : 'Accept-Encoding';
        res.writeHead(statusCode, h);
        res.flushHeaders();
        const gzip = zlib.createGzip();
        gzip.pipe(res);
        return gzip as Writable;
      }
      res.writeHead(statusCode, h);
      // Headers go out as they arrive, as nginx sends them: a body that then breaks off is seen as broken.
      res.flushHeaders();
      // Server-sent events and other unknown-length bodies go out as they arrive: no Nagle delay.
      res.socket?.setNoDelay(true);
      return res;
    },
  );
  return { status };
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
