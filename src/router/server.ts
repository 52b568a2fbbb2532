/**
 * The edge: a node:http server on 127.0.0.1 that routes by the spec's table to live instances. Pieces:
 * route-table (match), cors, static (static sites), proxy (buffering/streaming forward), upgrade (websockets),
 * transport (keep-alive connections, undici timeouts), errors (status mapping and pages), types. This file wires
 * them and keeps upstream state.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { corsHeaders, preflight } from './cors.js';
import { mapFailure, renderErrorPage, type Failure } from './errors.js';
import { scanRequest } from './forward.js';
import { HostAllowlist } from './hosts.js';
import { BodyTooLarge, ClientTimeout, classify, forward, limitBody, readBody, watchClientSocket } from './proxy.js';
import { RouteTable } from './route-table.js';
import { serveStatic } from './static.js';
import { Transport } from './transport.js';
import type { AccessLogEntry, Exchange, RouterOptions } from './types.js';
import { relayUpgrade } from './upgrade.js';
import { Upstreams, type Upstream } from './upstreams.js';

export type { AccessLogEntry, RouterLimits, RouterOptions } from './types.js';

const NONE: ReadonlySet<string> = new Set();
const PLAIN = { compress: false };
const COMPRESS = { compress: true };

export class Router {
  private readonly table: RouteTable;
  private readonly upstreams = new Upstreams();
  private readonly transport: Transport;
  private server?: http.Server;
  private draining = false;
  /** Set once the edge listens: the loopback names are accepted with its actual port. */
  private hosts?: HostAllowlist;

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
      (req, res) => {
        try {
          this.handle(req, res);
        } catch (err) {
          // A bug of the edge's own must cost one request, never the router (and every app behind it).
          if (!res.headersSent)
            res.writeHead(500, { 'content-type': 'text/plain' }).end(`rehearse router: ${String(err)}\n`);
          else res.destroy();
        }
      },
    );
    this.server = server;
    server.on('connection', watchClientSocket);
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
    this.hosts = new HostAllowlist(this.opts.hosts ?? { names: [] }, addr.port);
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

  /**
   * The hot path is synchronous: match, scan the headers once, dispatch with a callback. Only what must wait
   * (a buffered upload, a static file, the diagnosis of a failure) goes through promises.
   */
  private handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    // While draining, no connection is kept for another request.
    if (this.draining) res.shouldKeepAlive = false;
    const l = this.opts.limits;
    if (this.hosts?.allows(req.headers.host) === false)
      return this.fail(req, res, { kind: 'host-not-allowed', host: req.headers.host! }, started);
    const inbound = scanRequest(req);
    if (inbound.conflictingFraming)
      return this.fail(
        req,
        res,
        {
          kind: 'bad-request',
          detail: 'Content-Length and Transfer-Encoding together are refused (request smuggling).',
        },
        started,
      );
    const match = this.table.match(req.url ?? '/', inbound.host);
    if (!match) return this.fail(req, res, { kind: 'no-route', path: req.url ?? '/' }, started);
    const { route } = match;
    if (route.cors) {
      const pre = preflight(route.cors, req);
      if (pre) {
        res.writeHead(pre.status, { ...pre.headers, 'content-length': 0 }).end();
        return this.log(req, { status: pre.status, bytes: 0, note: 'CORS preflight answered by the edge' }, started);
      }
    }
    if (route.redirect) {
      const r = route.redirect;
      const location =
        r.uri ??
        `${r.scheme ?? 'https'}://${r.authority ?? inbound.host ?? ''}${r.port ? `:${r.port}` : ''}${req.url ?? '/'}`;
      res.writeHead(r.code, { location, 'content-length': 0 }).end();
      return this.log(req, { status: r.code, bytes: 0, note: `redirect to ${location}` }, started);
    }
    const component = route.component!;
    const site = this.opts.staticSites?.[component];
    if (site) {
      void serveStatic(site, req, res, match.upstreamPath).then(
        (status) => this.log(req, { component, status, bytes: Number(res.getHeader('content-length') ?? 0) }, started),
        // A file that vanished mid-read: the client sees a broken transfer, the process stays up.
        () => res.destroy(),
      );
      return;
    }
    if (inbound.contentLength > l.maxBodyBytes)
      return this.fail(req, res, { kind: 'body-too-large', limitMib: l.maxBodyBytes / 1048576 }, started, {
        component,
      });
    const cors = route.cors ? corsHeaders(route.cors, req) : undefined;
    const x: Exchange = {
      req,
      res,
      started,
      component,
      match,
      headers: inbound.headers,
      body: null,
      extraHeaders: cors ? Object.entries(cors).flatMap(([k, v]) => [k, String(v)]) : undefined,
      tried: undefined,
    };
    if (req.method === 'GET' || req.method === 'HEAD') return this.proxy(x);
    if (l.mode === 'streaming') {
      x.body = limitBody(req, l.maxBodyBytes);
      return this.proxy(x);
    }
    void this.bufferThenProxy(x);
  }

  /** Buffering mode: the whole body first, so a slow upload never ties up an instance's worker. */
  private async bufferThenProxy(x: Exchange) {
    const l = this.opts.limits;
    const { req, res, started, component } = x;
    let body: Buffer;
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
    // The buffered body is sent with its length; drop the client's framing.
    const h = x.headers;
    for (let i = h.length - 2; i >= 0; i -= 2) if (h[i] === 'content-length') h.splice(i, 2);
    h.push('content-length', String(body.length));
    x.body = body;
    this.proxy(x);
  }

  /** One attempt on one instance; a refused connection moves on to the next instance when the body allows. */
  private proxy(x: Exchange) {
    const up = this.upstreams.pick(x.component, x.tried ?? NONE);
    if (!up) {
      const state = x.tried ? `every instance refused the connection` : this.upstreams.state(x.component);
      return this.fail(x.req, x.res, { kind: 'no-instance', component: x.component, state }, x.started, {
        component: x.component,
      });
    }
    const compress = this.opts.limits.compress ?? false;
    forward(
      this.transport.origin(up.url),
      x.match.upstreamPath,
      x.req,
      x.res,
      x.headers,
      x.body,
      x.extraHeaders ? { compress, extraHeaders: x.extraHeaders } : compress ? COMPRESS : PLAIN,
      (err, status, bytes) => {
        if (err === undefined) {
          const { match, component } = x;
          const note =
            status === 404 && match.stripped
              ? `prefix ${match.route.prefix} was stripped before ${component} saw ${match.upstreamPath}; set preserve_path_prefix: true if the app expects the full path`
              : undefined;
          return this.log(
            x.req,
            {
              component,
              instance: up.name,
              status,
              bytes,
              ...(note ? { note } : {}),
            },
            x.started,
          );
        }
        void this.upstreamFailed(x, up.name, err, bytes);
      },
    );
  }

  private async upstreamFailed(x: Exchange, instance: string, err: unknown, bytes: number) {
    const l = this.opts.limits;
    const { req, res, started, component, body } = x;
    const at = { component, instance };
    if (err instanceof BodyTooLarge && !res.headersSent)
      return this.fail(req, res, { kind: 'body-too-large', limitMib: l.maxBodyBytes / 1048576 }, started, {
        component,
      });
    const kind = classify(err);
    (x.tried ??= new Set()).add(instance);
    if (res.headersSent) {
      // The body broke off after the headers went out: abort, so the client sees a broken transfer.
      res.destroy();
      const why =
        kind === 'idle-timeout'
          ? `IDLE_TIMEOUT: no byte for ${l.idleTimeoutSeconds} s`
          : `TRUNCATED: ${component} (${instance}) ended the response early`;
      return this.log(req, { ...at, status: res.statusCode, bytes, note: why }, started);
    }
    // Nothing reached the app: another instance may take it (only when the body can be sent again).
    if (kind === 'refused' && (body === null || Buffer.isBuffer(body))) {
      this.upstreams.markDown(component, instance);
      if (this.upstreams.count(component) > (x.tried?.size ?? 0)) return this.proxy(x);
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
        ? await this.opts.explain?.(component, instance).catch(() => undefined)
        : undefined;
    if (kind === 'refused') return this.fail(req, res, { kind: 'refused', component, instance, why }, started, at);
    if (kind === 'closed') return this.fail(req, res, { kind: 'closed', component, instance, why }, started, at);
    return this.fail(
      req,
      res,
      { kind: 'bad-gateway', component, instance, detail: (err as Error).message },
      started,
      at,
    );
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const started = Date.now();
    if (this.hosts?.allows(req.headers.host) === false) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return this.log(req, { status: 403, bytes: 0, note: `HOST_NOT_ALLOWED: ${req.headers.host}` }, started);
    }
    const match = this.table.match(req.url ?? '/', req.headers.host);
    const up = match?.route.component ? this.upstreams.pick(match.route.component, new Set()) : undefined;
    if (!match || !up) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return this.log(req, { status: 404, bytes: 0, note: 'upgrade with no route or no live instance' }, started);
    }
    // The upgrade itself is hop-by-hop, and must be passed on for this one hop.
    const headers = [...scanRequest(req).headers, 'connection', 'Upgrade', 'upgrade', String(req.headers.upgrade)];
    relayUpgrade(req, socket, head, new URL(match.upstreamPath, up.url), headers, (status) =>
      this.log(
        req,
        { component: match.route.component!, instance: up.name, status, bytes: 0, note: 'upgrade' },
        started,
      ),
    );
  }
}
