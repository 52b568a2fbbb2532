/**
 * Header passes on raw header arrays (one pass, no header objects on the hot path): hop-by-hop headers removed,
 * including any named in Connection; Host, X-Forwarded-*, the platform's client-IP header and a request id set
 * as the platform sets them; the production origin mapped back to the local one in what the browser reads.
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
/**
 * Set by the edge itself; a client's own values are dropped (no trusted proxy in front of it), and so are their
 * underscore spellings (X_Forwarded_For), which WSGI and CGI servers merge into the same variable.
 */
const OWNED = new Set([
  'host',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
  'x-real-ip',
]);
/** The client's Expect is answered by the edge (100 Continue, as nginx does); the instance never sees it. */
const ANSWERED = 'expect';

function connectionTokens(value: string | undefined): Set<string> | undefined {
  if (!value || (!value.includes(',') && (value.toLowerCase() === 'keep-alive' || value.toLowerCase() === 'close')))
    return undefined;
  return new Set(value.split(',').map((s) => s.trim().toLowerCase()));
}

/** The request as production's edge hands it to the app (sandbox/<platform>.yaml `edge_request`). */
export interface RequestShape {
  /** The Host the app sees: the spec's primary domain, or the platform's default form. */
  domain: string;
  /** The spec's other domains: a request naming one keeps it, as production routes every domain to the app. */
  domains: ReadonlySet<string>;
  /** X-Forwarded-Proto: production's edge takes only HTTPS (HTTP is redirected), so `https`. */
  scheme: string;
  /** The platform's own client-IP header (App Platform: do-connecting-ip). */
  clientIpHeader: string | undefined;
  /** More request headers only the edge may set; the client's copies are dropped. */
  owned: ReadonlySet<string>;
}

/** Where one request came in: the listener's scheme and the Host the client used. */
export interface Arrival {
  /** `http` or `https`: the local listener's. */
  scheme: string;
  /** The authority of an absolute-form request target, which replaces Host (RFC 9112 3.2.2). */
  authority: string | undefined;
}

/** What the edge reads off a request in its one pass over the raw headers. */
export interface InboundRequest {
  /** The headers for the upstream, flat [name, value, ...]. */
  headers: string[];
  /** Content-Length and Transfer-Encoding together: request smuggling (RFC 9112 6.1). */
  conflictingFraming: boolean;
  /** More than one Host header (RFC 9112 3.2: answered with 400). */
  duplicateHost: boolean;
  /** The declared Content-Length, or -1. */
  contentLength: number;
  /** A body follows (Content-Length > 0 or chunked), whatever the method: a GET body is passed on too. */
  hasBody: boolean;
  /** The Host the client used (or the absolute-form authority). */
  host: string | undefined;
  /** The local origin the client sees, e.g. https://127.0.0.1:8443, and the production one the app sees. */
  rewrite: OriginRewrite | undefined;
}

/** The production origin the app answers for, and the local one the browser is on. */
export interface OriginRewrite {
  production: string;
  local: string;
}

/**
 * One pass over the request's raw headers: the upstream's header list (hop-by-hop and the edge's own headers
 * dropped, Host, X-Forwarded-* and a request id set as production's edge sets them) and the framing facts the
 * edge checks, without building node's header object on the hot path.
 */
export function scanRequest(req: IncomingMessage, shape?: RequestShape, arrival?: Arrival): InboundRequest {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let requestId: string | undefined;
  let host: string | undefined;
  let hosts = 0;
  let connection: string | undefined;
  let contentLength = -1;
  let chunked = false;
  for (let i = 0; i < raw.length; i += 2) {
    let name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'content-length') contentLength = Number(value);
    else if (name === 'transfer-encoding') chunked = true;
    else if (name === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
    else if (name === 'host') {
      host ??= value;
      hosts++;
    } else if (name.includes('_')) name = name.replace(/_/g, '-');
    if (HOP.has(name) || OWNED.has(name) || name === ANSWERED || shape?.owned.has(name)) continue;
    if (name === 'x-request-id') requestId = value;
    else out.push(raw[i]!.toLowerCase(), value);
  }
  // Headers a Connection header names are hop-by-hop too (rare: most say only keep-alive or close).
  const named = connectionTokens(connection);
  if (named) for (let i = out.length - 2; i >= 0; i -= 2) if (named.has(out[i]!)) out.splice(i, 2);
  if (arrival?.authority !== undefined) host = arrival.authority;
  const client = req.socket.remoteAddress ?? '127.0.0.1';
  let rewrite: OriginRewrite | undefined;
  if (shape) {
    const bare = host?.replace(/:\d+$/, '').toLowerCase();
    const production = bare && shape.domains.has(bare) ? bare : shape.domain;
    rewrite = { production, local: `${arrival?.scheme ?? 'http'}://${host ?? '127.0.0.1'}` };
    mapRequestOrigins(out, rewrite, shape.scheme);
    out.push('host', production, 'x-forwarded-host', production, 'x-forwarded-proto', shape.scheme);
    if (shape.clientIpHeader) out.push(shape.clientIpHeader, client);
  } else {
    if (host) out.push('host', host, 'x-forwarded-host', host);
    out.push('x-forwarded-proto', arrival?.scheme ?? 'http');
  }
  out.push('x-forwarded-for', client, 'x-request-id', requestId ?? randomUUID());
  return {
    headers: out,
    conflictingFraming: chunked && contentLength !== -1,
    duplicateHost: hosts > 1,
    contentLength,
    hasBody: chunked || contentLength > 0,
    host,
    rewrite,
  };
}

/**
 * The browser sends its local origin in Origin and Referer; the app checks them against its production origin
 * (Django's CSRF check, CORS allowlists). The edge maps one to the other, as if the browser were on production.
 */
function mapRequestOrigins(h: string[], rw: OriginRewrite, scheme: string) {
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i];
    if (name !== 'origin' && name !== 'referer') continue;
    const v = h[i + 1]!;
    if (v === rw.local || v.startsWith(rw.local + '/'))
      h[i + 1] = `${scheme}://${rw.production}${v.slice(rw.local.length)}`;
  }
}

/**
 * The production origin in a response header, mapped back to the local one where the browser would otherwise
 * leave for production: a redirect's Location, a cookie's Domain (made host-only), an echoed CORS origin.
 */
function mapResponseOrigin(lower: string, value: string, rw: OriginRewrite): string {
  if (lower === 'location' || lower === 'access-control-allow-origin' || lower === 'content-location') {
    const m = /^https?:\/\/([^/?#]+)/i.exec(value);
    if (m && m[1]!.toLowerCase() === rw.production) return rw.local + value.slice(m[0].length);
    return value;
  }
  if (lower === 'set-cookie') {
    const attr = /;\s*domain\s*=\s*\.?([^;\s]+)\s*(?=;|$)/i.exec(value);
    if (attr && attr[1]!.toLowerCase() === rw.production)
      return value.slice(0, attr.index) + value.slice(attr.index + attr[0].length);
  }
  return value;
}

/** An upstream response's raw headers (Buffers, as undici gives them) for the client, hop-by-hop removed. */
export function downstreamHeaders(
  raw: Buffer[],
  rewrite?: OriginRewrite,
): {
  headers: string[];
  /** The declared Content-Length, or -1. */
  contentLength: number;
  contentType: string;
  encoded: boolean;
  /** The Location header as the client gets it (mapped back to the local origin). */
  location: string | undefined;
} {
  const headers: string[] = [];
  let contentLength = -1;
  let contentType = '';
  let encoded = false;
  let location: string | undefined;
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    let value = raw[i + 1]!.toString('latin1');
    if (rewrite) value = mapResponseOrigin(lower, value, rewrite);
    if (lower === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
    if (HOP.has(lower)) continue;
    if (lower === 'content-length') contentLength = Number(value);
    else if (lower === 'content-type') contentType = value;
    else if (lower === 'content-encoding') encoded = true;
    else if (lower === 'location') location = value;
    headers.push(name, value);
  }
  const named = connectionTokens(connection);
  if (named)
    for (let i = headers.length - 2; i >= 0; i -= 2) if (named.has(headers[i]!.toLowerCase())) headers.splice(i, 2);
  return { headers, contentLength, contentType, encoded, location };
}
