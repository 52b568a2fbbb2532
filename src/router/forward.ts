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

/** The request's headers for the upstream, as a flat [name, value, ...] array. */
export function upstreamHeaders(req: IncomingMessage): string[] {
  const raw = req.rawHeaders;
  const named = connectionTokens(req.headers.connection);
  const out: string[] = [];
  let requestId: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP.has(name) || OWNED.has(name) || named?.has(name)) continue;
    if (name === 'x-request-id') requestId = raw[i + 1];
    else out.push(name, raw[i + 1]!);
  }
  const host = req.headers.host;
  if (host) out.push('host', host, 'x-forwarded-host', host);
  out.push(
    'x-forwarded-for',
    req.socket.remoteAddress ?? '127.0.0.1',
    'x-forwarded-proto',
    'http',
    'x-request-id',
    requestId ?? randomUUID(),
  );
  return out;
}

/** An upstream response's raw headers (Buffers, as undici gives them) for the client, hop-by-hop removed. */
export function downstreamHeaders(raw: Buffer[]): {
  headers: string[];
  contentLength: boolean;
  contentType: string;
  encoded: boolean;
  vary?: string;
} {
  const headers: string[] = [];
  let contentLength = false;
  let contentType = '';
  let encoded = false;
  let connection: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.length === 10 && raw[i]!.toString('latin1').toLowerCase() === 'connection')
      connection = connectionTokens(raw[i + 1]!.toString('latin1'));
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    if (HOP.has(lower) || connection?.has(lower)) continue;
    const value = raw[i + 1]!.toString('latin1');
    if (lower === 'content-length') contentLength = true;
    else if (lower === 'content-type') contentType = value;
    else if (lower === 'content-encoding') encoded = true;
    headers.push(name, value);
  }
  return { headers, contentLength, contentType, encoded };
}
