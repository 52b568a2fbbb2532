/**
 * The edge: a node:http server on 127.0.0.1 that routes by the spec's table to live instances. Pieces:
 * route-table (match), cors, static (static sites), proxy (buffering/streaming forward), upgrade (websockets),
 * transport (keep-alive connections, undici timeouts), errors (status mapping and pages), types. This file wires
 * them and keeps upstream state.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { endTurn, takeTurn } from './connection.js';
import { corsHeaders, preflight } from './cors.js';
import { mapFailure, renderErrorPage, selfRedirect, type Failure } from './errors.js';
import { countBody, listenOn, wireServer } from './http-server.js';
import { scanRequest, type Arrival } from './forward.js';
import { BodyTooLarge, bodyFailure, classify, forward, limitBody, readBody, type BufferBudget } from './proxy.js';
import { RouteTable } from './route-table.js';
import { serveStatic } from './static.js';
import { HostAllowlist } from './hosts.js';
import { otherTarget } from './target.js';
import { Transport } from './transport.js';
import type { AccessLogEntry, Exchange, RouterOptions } from './types.js';
import { upgradeTo } from './upgrade.js';
import { Upstreams, type Upstream } from './upstreams.js';

export type { AccessLogEntry, RouterLimits, RouterOptions } from './types.js';

const NONE: ReadonlySet<string> = new Set();
/** Memory for buffered uploads across all clients, unless the options say otherwise. */
const DEFAULT_BUFFER_BUDGET = 512 * 1048576;
const PLAIN = { compress: false };
const COMPRESS = { compress: true };

export class Router {
  private readonly table: RouteTable;
  private readonly upstreams = new Upstreams();
  private readonly transport: Transport;
  private server?: http.Server;
  private tlsServer?: https.Server;
  /** Host headers answered: loopback names on each port the edge listens on, and the caller's list (hosts.ts). */
  private readonly hosts: HostAllowlist;
  private draining = false;
  private readonly budget: BufferBudget;

  constructor(private readonly opts: RouterOptions) {
    this.table = new RouteTable(opts.routes);
    this.transport = new Transport(opts.limits);
    this.budget = { used: 0, cap: opts.limits.maxBufferedBytes ?? DEFAULT_BUFFER_BUDGET };
    // The spec's domains a request may name (requestShape) are served too, whoever built the options.
    const shape = opts.requestShape;
    const names = [...(opts.hosts?.names ?? []), ...(shape ? [shape.domain, ...shape.domains] : [])];
    this.hosts = new HostAllowlist({ ...opts.hosts, names });
  }

  /** Replaces a component's live instances; requests spread over them round-robin. */
  setUpstreams(component: string, instances: Upstream[], state = 'starting') {
    this.upstreams.set(component, instances, state);
    this.transport.retain(this.upstreams.origins());
  }

  async listen(): Promise<string> {
    const server = http.createServer(this.serverOptions(), this.onRequest);
    this.server = server;
    wireServer(server, this.opts, this.onRequest, (req, socket, head) => this.upgrade(req, socket, head));
    const addr = await listenOn(server, this.opts.port ?? 8080, this.opts.host ?? '127.0.0.1');
    this.hosts.allowPort(Number(addr.slice(addr.lastIndexOf(':') + 1)));
    return `http://${addr}`;
  }

  /** The same edge over HTTPS, on a second port, with the local CA's certificate (local-ca.ts). */
  async listenTls(tls: { cert: string; key: string; port: number }): Promise<string> {
    const server = https.createServer({ ...this.serverOptions(), cert: tls.cert, key: tls.key }, this.onRequest);
    this.tlsServer = server;
    wireServer(server, this.opts, this.onRequest, (req, socket, head) => this.upgrade(req, socket, head));
    const addr = await listenOn(server, tls.port, this.opts.host ?? '127.0.0.1');
    this.hosts.allowPort(Number(addr.slice(addr.lastIndexOf(':') + 1)));
    return `https://${addr}`;
  }

  private serverOptions(): http.ServerOptions {
    return { maxHeaderSize: this.opts.limits.maxHeaderBytes, requestTimeout: 0, keepAliveTimeout: 65_000 };
  }

  /** Requests of one connection are served one after the other, in order (pipelining, as nginx does). */
  private readonly onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (takeTurn(req, () => this.guarded(req, res))) this.guarded(req, res);
  };

  private guarded(req: IncomingMessage, res: ServerResponse) {
    try {
      this.handle(req, res);
    } catch (err) {
      // A bug of the edge's own must cost one request, never the router (and every app behind it).
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`rehearse router: ${String(err)}\n`);
      else res.destroy();
      endTurn(req, res);
    }
  }

  /** Stops taking new connections; requests in flight go on (the platform's drain), until close(). */
  drain(): void {
    this.draining = true;
    for (const server of [this.server, this.tlsServer]) {
      server?.close();
      server?.closeIdleConnections();
    }
  }

  async close(): Promise<void> {
    for (const server of [this.server, this.tlsServer]) {
      if (!server) continue;
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    }
    await this.transport.close();
  }

  /** The end of every exchange: its access log line, and the connection's next pipelined request. */
  private log(
    req: IncomingMessage,
    res: ServerResponse,
    e: Omit<AccessLogEntry, 'method' | 'path' | 'ms'>,
    started: number,
  ) {
    this.opts.onAccess?.({ method: req.method ?? 'GET', path: req.url ?? '/', ms: Date.now() - started, ...e });
    endTurn(req, res);
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
    if (f.kind === 'client-gone') res.destroy();
    else if (res.headersSent) res.destroy();
    else {
      // After refusing a request whose body may still be arriving, the connection cannot be reused.
      const close = reply.status === 400 || reply.status === 408 || reply.status === 413 || f.kind === 'buffer-full';
      res
        .writeHead(reply.status, {
          'content-type': page.type,
          'content-length': Buffer.byteLength(page.body),
          'x-rehearse-error': reply.code,
          ...(close ? { connection: 'close' } : {}),
        })
        .end(page.body);
    }
    const bytes = f.kind === 'client-gone' ? 0 : Buffer.byteLength(page.body);
    this.log(req, res, { ...at, status: reply.status, bytes, note: `${reply.code}: ${reply.explanation}` }, started);
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
    let path = req.url ?? '/';
    const arrival: Arrival = { scheme: (req.socket as TLSSocket).encrypted ? 'https' : 'http', authority: undefined };
    if (path.charCodeAt(0) !== 47 /* / */) {
      const t = otherTarget(req.method ?? 'GET', path);
      if (t.form === 'invalid') return this.fail(req, res, { kind: 'bad-request', detail: t.detail }, started);
      if (t.form === 'asterisk') {
        res.writeHead(200, { allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS', 'content-length': 0 }).end();
        return this.log(req, res, { status: 200, bytes: 0, note: 'OPTIONS * answered by the edge' }, started);
      }
      path = t.path;
      arrival.authority = t.authority;
    }
    const inbound = scanRequest(req, this.opts.requestShape, arrival);
    if (inbound.duplicateHost)
      return this.fail(req, res, { kind: 'bad-request', detail: 'More than one Host header (RFC 9112 3.2).' }, started);
    // The Host header is what a rebinding page controls (an absolute-form target is a proxy's form, not a page's).
    if (!this.hosts.allows(req.headers.host))
      return this.fail(req, res, { kind: 'host-not-allowed', host: req.headers.host! }, started);
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
    const match = this.table.match(path, inbound.host);
    if (!match) return this.fail(req, res, { kind: 'no-route', path }, started);
    const { route } = match;
    if (route.cors) {
      const pre = preflight(route.cors, req);
      if (pre) {
        res.writeHead(pre.status, { ...pre.headers, 'content-length': 0 }).end();
        return this.log(
          req,
          res,
          { status: pre.status, bytes: 0, note: 'CORS preflight answered by the edge' },
          started,
        );
      }
    }
    if (route.redirect) {
      const r = route.redirect;
      const location =
        r.uri ?? `${r.scheme ?? 'https'}://${r.authority ?? inbound.host ?? ''}${r.port ? `:${r.port}` : ''}${path}`;
      res.writeHead(r.code, { location, 'content-length': 0 }).end();
      return this.log(req, res, { status: r.code, bytes: 0, note: `redirect to ${location}` }, started);
    }
    const component = route.component!;
    const site = this.opts.staticSites?.[component];
    if (site) {
      const sent = countBody(res);
      void serveStatic(site, req, res, match.upstreamPath).then(
        // Logged once the file went out whole (serveStatic resolves as it starts streaming).
        (status) => {
          const done = () => this.log(req, res, { component, status, bytes: sent() }, started);
          if (res.writableFinished || res.destroyed) done();
          else res.once('close', done);
        },
        // A file that vanished mid-read: the client sees a broken transfer, the process stays up.
        (err: unknown) => {
          res.destroy();
          this.log(req, res, { component, status: 500, bytes: sent(), note: `static: ${String(err)}` }, started);
        },
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
      rewrite: inbound.rewrite,
      tried: undefined,
    };
    if (!inbound.hasBody) return this.proxy(x);
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
      body = await readBody(req, l.maxBodyBytes, l.idleTimeoutSeconds * 1000, this.budget);
    } catch (err) {
      return this.fail(req, res, bodyFailure(err, l, this.budget, component), started, { component });
    }
    // Released when the exchange is over, whichever way it ends.
    res.once('close', () => (this.budget.used -= body.length));
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
      x.extraHeaders || x.rewrite
        ? { compress, extraHeaders: x.extraHeaders, rewrite: x.rewrite }
        : compress
          ? COMPRESS
          : PLAIN,
      (err, status, bytes, location) => {
        if (err === undefined) {
          const { match, component } = x;
          const note =
            status === 404 && match.stripped
              ? `prefix ${match.route.prefix} was stripped before ${component} saw ${match.upstreamPath}; set preserve_path_prefix: true if the app expects the full path`
              : location !== undefined && x.rewrite && status >= 300 && location === x.rewrite.local + x.req.url
                ? selfRedirect(component, location)
                : undefined;
          return this.log(
            x.req,
            x.res,
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
        void this.upstreamFailed(x, up.name, err, status, bytes);
      },
    );
  }

  private async upstreamFailed(x: Exchange, instance: string, err: unknown, status: number, bytes: number) {
    const l = this.opts.limits;
    const { req, res, started, component, body } = x;
    const at = { component, instance };
    if (err instanceof BodyTooLarge && !res.headersSent)
      return this.fail(req, res, { kind: 'body-too-large', limitMib: l.maxBodyBytes / 1048576 }, started, {
        component,
      });
    const kind = classify(err);
    if (kind === 'client-gone') return this.fail(req, res, { kind: 'client-gone', component }, started, at);
    (x.tried ??= new Set()).add(instance);
    if (res.headersSent) {
      // The body broke off after the headers went out: abort, so the client sees a broken transfer.
      res.destroy();
      const why =
        kind === 'idle-timeout'
          ? `IDLE_TIMEOUT: no byte for ${l.idleTimeoutSeconds} s`
          : `TRUNCATED: ${component} (${instance}) ended the response early`;
      return this.log(req, res, { ...at, status: res.statusCode, bytes, note: why }, started);
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
    if (status > 0)
      // Headers came (held back for their body), then nothing: no response went out, so a 502 still can.
      return this.fail(
        req,
        res,
        {
          kind: 'bad-gateway',
          component,
          instance,
          detail: `${status} headers, then the connection broke before the body`,
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
    if (kind === 'interim-100') return this.fail(req, res, { kind: 'interim-100', component, instance }, started, at);
    return this.fail(
      req,
      res,
      { kind: 'bad-gateway', component, instance, detail: (err as Error).message },
      started,
      at,
    );
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    if (!this.hosts.allows(req.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      const note = `HOST_NOT_ALLOWED: ${req.headers.host}`;
      return this.opts.onAccess?.({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status: 403,
        bytes: 0,
        ms: 0,
        note,
      });
    }
    const match = this.table.match(req.url ?? '/', req.headers.host);
    const up = match?.route.component ? this.upstreams.pick(match.route.component, new Set()) : undefined;
    upgradeTo(req, socket, head, match, up, this.opts);
  }
}
