/**
 * Header passes on raw header arrays (one pass, no header objects on the hot path): hop-by-hop headers removed,
 * including any named in Connection; X-Forwarded-For, -Proto, -Host and a request id set as the platform does.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
]);
/** Set by the edge itself; a client's own values are dropped (no trusted proxy in front of it). */
const OWNED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'host']);

function connectionTokens(value: string | undefined): Set<string> | undefined {
  if (!value || (!value.includes(',') && (value.toLowerCase() === 'keep-alive' || value.toLowerCase() === 'close')))
    return undefined;
  return new Set(value.split(',').map((s) => s.trim().toLowerCase()));
}

/** What the edge reads off a request in its one pass over the raw headers. */
export interface InboundRequest {
  /** The headers for the upstream, flat [name, value, ...]. */
  headers: string[];
  /** Content-Length and Transfer-Encoding together: request smuggling (RFC 9112 6.1). */
  conflictingFraming: boolean;
  /** The declared Content-Length, or -1. */
  contentLength: number;
  host: string | undefined;
}

/**
 * One pass over the request's raw headers: the upstream's header list (hop-by-hop and the edge's own headers
 * dropped, X-Forwarded-* and a request id set) and the framing facts the edge checks, without building
 * node's header object on the hot path.
 */
export function scanRequest(req: IncomingMessage): InboundRequest {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let requestId: string | undefined;
  let host: string | undefined;
  let connection: string | undefined;
  let contentLength = -1;
  let chunked = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'content-length') contentLength = Number(value);
    else if (name === 'transfer-encoding') chunked = true;
    else if (name === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
    else if (name === 'host') host ??= value;
    if (HOP.has(name) || OWNED.has(name)) continue;
    if (name === 'x-request-id') requestId = value;
    else out.push(name, value);
  }
  // Headers a Connection header names are hop-by-hop too (rare: most say only keep-alive or close).
  const named = connectionTokens(connection);
  if (named) for (let i = out.length - 2; i >= 0; i -= 2) if (named.has(out[i]!)) out.splice(i, 2);
  if (host) out.push('host', host, 'x-forwarded-host', host);
  out.push(
    'x-forwarded-for',
    req.socket.remoteAddress ?? '127.0.0.1',
    'x-forwarded-proto',
    'http',
    'x-request-id',
    requestId ?? randomUUID(),
  );
  return { headers: out, conflictingFraming: chunked && contentLength !== -1, contentLength, host };
}

/** An upstream response's raw headers (Buffers, as undici gives them) for the client, hop-by-hop removed. */
export function downstreamHeaders(raw: Buffer[]): {
  headers: string[];
  /** The declared Content-Length, or -1. */
  contentLength: number;
  contentType: string;
  encoded: boolean;
} {
  const headers: string[] = [];
  let contentLength = -1;
  let contentType = '';
  let encoded = false;
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    if (lower === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
    if (HOP.has(lower)) continue;
    if (lower === 'content-length') contentLength = Number(value);
    else if (lower === 'content-type') contentType = value;
    else if (lower === 'content-encoding') encoded = true;
    headers.push(name, value);
  }
  const named = connectionTokens(connection);
  if (named)
    for (let i = headers.length - 2; i >= 0; i -= 2) if (named.has(headers[i]!.toLowerCase())) headers.splice(i, 2);
  return { headers, contentLength, contentType, encoded };
}
