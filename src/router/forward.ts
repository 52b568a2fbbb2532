/** Request and response header passes: hop-by-hop headers removed, X-Forwarded-* and a request id set. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

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
  'host',
]);

export function stripHop(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP.has(k) || named.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

export function upstreamHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const h = stripHop(req.headers);
  const client = req.socket.remoteAddress ?? '127.0.0.1';
  // Overwrite, don't append: the edge trusts no proxy in front of it.
  h['x-forwarded-for'] = client;
  h['x-forwarded-proto'] = 'http';
  if (req.headers.host) h['x-forwarded-host'] = req.headers.host;
  h['x-request-id'] = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID();
  if (req.headers.host) h.host = req.headers.host;
  return h;
}
