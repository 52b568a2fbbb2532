/**
 * The edge: a node:http server on 127.0.0.1 that routes by the spec's table to live instances. Pieces:
 * route-table (match), cors, static (static sites), proxy (buffering/streaming forward), upgrade (websockets),
 * transport (undici timeouts), errors (status mapping and pages). This file wires them and keeps upstream state.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import type { RouteModel } from '../spec/model.js';
import { corsHeaders, preflight } from './cors.js';
import { mapFailure, renderErrorPage, type Failure } from './errors.js';
import { upstreamHeaders } from './forward.js';
import { BodyTooLarge, ClientTimeout, classify, forward, limitBody, readBody } from './proxy.js';
import { RouteTable } from './route-table.js';
import { serveStatic, type StaticSiteOptions } from './static.js';
import { Transport } from './transport.js';
import { relayUpgrade } from './upgrade.js';
import { Upstreams, type Upstream } from './upstreams.js';

export interface RouterLimits {
  mode: 'buffering' | 'streaming';
  /** Seconds to the first response byte after the request was sent; 0 disables. @default 100 (App Platform) */
  firstByteTimeoutSeconds: number;
  /** Seconds without a byte once the response started; 0 disables. */
  idleTimeoutSeconds: number;
  /** Status and code for a first-byte timeout: 504 EDGE_TIMEOUT (App Platform), 503 H12 (Heroku). */
  timeoutStatus: number;
  timeoutCode: string;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  /** gzip responses for clients that accept it, as the platform's CDN does. @default false */
  compress?: boolean;
  /** Named in error pages: "App Platform's 100 s request timeout". */
  platform?: string;
}

export interface AccessLogEntry {
  method: string;
  path: string;
  component?: string;
  instance?: string;
  status: number;
  bytes: number;
  ms: number;
  note?: string;
}

export interface RouterOptions {
  routes: readonly RouteModel[];
  limits: RouterLimits;
  /** @default 127.0.0.1 */
  host?: string;
  /** @default 8080; 0 picks a free port */
  port?: number;
  staticSites?: Record<string, StaticSiteOptions>;
  onAccess?: (e: AccessLogEntry) => void;
  /** Why an instance refused or dropped a connection, e.g. "web listens on 127.0.0.1:8080 ...". */
  explain?: (component: string, instance: string) => Promise<string | undefined>;
}

export class Router {
  private readonly table: RouteTable;
  private readonly upstreams = new Upstreams();
  private readonly transport: Transport;
  private server?: http.Server;
  private draining = false;

  constructor(private readonly opts: RouterOptions) {
    this.table = new RouteTable(opts.routes);
    this.transport = new Transport(opts.limits);
  }

  /** Replaces a component's live instances; requests spread over them round-robin. */
  setUpstreams(component: string, instances: Upstream[], state = 'starting') {
    this.upstreams.set(component, instances, state);
    this.transport.retain(this.upstreams.origins());
  }

  async listen(): Promise<string> {
    const server = http.createServer(
      { maxHeaderSize: this.opts.limits.maxHeaderBytes, requestTimeout: 0, keepAliveTimeout: 65_000 },
      (req, res) => void this.handle(req, res),
    );
    this.server = server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 8080, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = server.address() as AddressInfo;
    return `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  /** Stops taking new connections; requests in flight go on (the platform's drain), until close(). */
  drain(): void {
    this.draining = true;
    this.server?.close();
    this.server?.closeIdleConnections();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    }
    await this.transport.close();
  }

  private log(req: IncomingMessage, e: Omit<AccessLogEntry, 'method' | 'path' | 'ms'>, started: number) {
    this.opts.onAccess?.({ method: req.method ?? 'GET', path: req.url ?? '/', ms: Date.now() - started, ...e });
  }

  private fail(
    req: IncomingMessage,
    res: ServerResponse,
    f: Failure,
    started: number,
    at: { component?: string; instance?: string } = {},
  ) {
    const reply = mapFailure(f);
    const page = renderErrorPage(reply, req.headers.accept);
    if (res.headersSent) res.destroy();
    else {
      // After refusing a request whose body may still be arriving, the connection cannot be reused.
      const close = reply.status === 400 || reply.status === 408 || reply.status === 413;
      res
        .writeHead(reply.status, {
          'content-type': page.type,
          'content-length': Buffer.byteLength(page.body),
          'x-rehearse-error': reply.code,
          ...(close ? { connection: 'close' } : {}),
        })
        .end(page.body);
    }
    this.log(
      req,
      { ...at, status: reply.status, bytes: Buffer.byteLength(page.body), note: `${reply.code}: ${reply.explanation}` },
      started,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    // While draining, no connection is kept for another request.
    if (this.draining) res.shouldKeepAlive = false;
    const l = this.opts.limits;
    // Request smuggling: a request may not carry both framings (RFC 9112 6.1).
    if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] !== undefined)
      return this.fail(
        req,
        res,
        {
          kind: 'bad-request',
          detail: 'Content-Length and Transfer-Encoding together are refused (request smuggling).',
        },
        started,
      );
    const match = this.table.match(req.url ?? '/', req.headers.host);
    if (!match) return this.fail(req, res, { kind: 'no-route', path: req.url ?? '/' }, started);
    const { route } = match;
    const pre = preflight(route.cors, req);
    if (pre) {
      res.writeHead(pre.status, { ...pre.headers, 'content-length': 0 }).end();
      return this.log(req, { status: pre.status, bytes: 0, note: 'CORS preflight answered by the edge' }, started);
    }
    if (route.redirect) {
      const r = route.redirect;
      const location =
        r.uri ??
        `${r.scheme ?? 'https'}://${r.authority ?? req.headers.host ?? ''}${r.port ? `:${r.port}` : ''}${req.url ?? '/'}`;
      res.writeHead(r.code, { location, 'content-length': 0 }).end();
      return this.log(req, { status: r.code, bytes: 0, note: `redirect to ${location}` }, started);
    }
    const component = route.component!;
    const site = this.opts.staticSites?.[component];
    if (site) {
      const status = await serveStatic(site, req, res, match.upstreamPath);
      return this.log(req, { component, status, bytes: Number(res.getHeader('content-length') ?? 0) }, started);
    }
    if (Number(req.headers['content-length'] ?? 0) > l.maxBodyBytes)
      return this.fail(req, res, { kind: 'body-too-large', limitMib: l.maxBodyBytes / 1048576 }, started, {
        component,
      });

    let body: Buffer | Readable | null =
      req.method === 'GET' || req.method === 'HEAD'
        ? null
        : l.mode === 'streaming'
          ? limitBody(req, l.maxBodyBytes)
          : req;
    if (l.mode === 'buffering' && body) {
      try {
        body = await readBody(req, l.maxBodyBytes, l.idleTimeoutSeconds * 1000);
      } catch (err) {
        if (err instanceof BodyTooLarge)
          return this.fail(req, res, { kind: 'body-too-large', limitMib: l.maxBodyBytes / 1048576 }, started, {
            component,
          });
        if (err instanceof ClientTimeout)
          return this.fail(req, res, { kind: 'client-timeout', seconds: l.idleTimeoutSeconds }, started, { component });
        return; // the client went away
      }
    }
    const headers = upstreamHeaders(req);
    if (Buffer.isBuffer(body)) {
      // The buffered body is sent with its length; drop the client's framing.
      for (let i = headers.length - 2; i >= 0; i -= 2) if (headers[i] === 'content-length') headers.splice(i, 2);
      headers.push('content-length', String(body.length));
    }
    const sock = req.socket;
    const sentBefore = sock.bytesWritten;
    const tried = new Set<string>();
    for (;;) {
      const up = this.upstreams.pick(component, tried);
      if (!up) {
        const state = tried.size ? `every instance refused the connection` : this.upstreams.state(component);
        return this.fail(req, res, { kind: 'no-instance', component, state }, started, { component });
      }
      tried.add(up.name);
      const at = { component, instance: up.name };
      try {
        const cors = route.cors ? corsHeaders(route.cors, req) : undefined;
        const extraHeaders = cors ? Object.entries(cors).flatMap(([k, v]) => [k, String(v)]) : undefined;
        const status = await forward(this.transport.pool(up.url), match.upstreamPath, req, res, headers, body, {
          compress: l.compress ?? false,
          extraHeaders,
        });
        const note =
          status === 404 && match.stripped
            ? `prefix ${route.prefix} was stripped before ${component} saw ${match.upstreamPath}; set preserve_path_prefix: true if the app expects the full path`
            : undefined;
        return this.log(
          req,
          { ...at, status, bytes: sock.bytesWritten - sentBefore, ...(note ? { note } : {}) },
          started,
        );
      } catch (err) {
        if (err instanceof BodyTooLarge && !res.headersSent)
          return this.fail(req, res, { kind: 'body-too-large', limitMib: l.maxBodyBytes / 1048576 }, started, {
            component,
          });
        const kind = classify(err);
        if (res.headersSent) {
          // The body broke off after the headers went out: abort, so the client sees a broken transfer.
          res.destroy();
          const why =
            kind === 'idle-timeout'
              ? `IDLE_TIMEOUT: no byte for ${l.idleTimeoutSeconds} s`
              : `TRUNCATED: ${component} (${up.name}) ended the response early`;
          return this.log(
            req,
            { ...at, status: res.statusCode, bytes: sock.bytesWritten - sentBefore, note: why },
            started,
          );
        }
        // Nothing reached the app: another instance may take it (only when the body can be sent again).
        if (kind === 'refused' && (body === null || Buffer.isBuffer(body))) {
          this.upstreams.markDown(component, up.name);
          if (this.upstreams.count(component) > tried.size) continue;
        }
        if (kind === 'first-byte-timeout')
          return this.fail(
            req,
            res,
            {
              kind: 'timeout',
              component,
              seconds: l.firstByteTimeoutSeconds,
              status: l.timeoutStatus,
              code: l.timeoutCode,
              platform: l.platform ?? 'the platform',
            },
            started,
            at,
          );
        const why =
          kind === 'refused' || kind === 'closed'
            ? await this.opts.explain?.(component, up.name).catch(() => undefined)
            : undefined;
        if (kind === 'refused')
          return this.fail(req, res, { kind: 'refused', component, instance: up.name, why }, started, at);
        if (kind === 'closed')
          return this.fail(req, res, { kind: 'closed', component, instance: up.name, why }, started, at);
        return this.fail(
          req,
          res,
          { kind: 'bad-gateway', component, instance: up.name, detail: (err as Error).message },
          started,
          at,
        );
      }
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const started = Date.now();
    const match = this.table.match(req.url ?? '/', req.headers.host);
    const up = match?.route.component ? this.upstreams.pick(match.route.component, new Set()) : undefined;
    if (!match || !up) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return this.log(req, { status: 404, bytes: 0, note: 'upgrade with no route or no live instance' }, started);
    }
    // The upgrade itself is hop-by-hop, and must be passed on for this one hop.
    const headers = [...upstreamHeaders(req), 'connection', 'Upgrade', 'upgrade', String(req.headers.upgrade)];
    relayUpgrade(req, socket, head, new URL(match.upstreamPath, up.url), headers, (status) =>
      this.log(
        req,
        { component: match.route.component!, instance: up.name, status, bytes: 0, note: 'upgrade' },
        started,
      ),
    );
  }
}
