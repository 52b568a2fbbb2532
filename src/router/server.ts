/**
 * The edge: a node:http server on 127.0.0.1 that routes by the spec's table to live instances through undici.
 * Modes: `buffering` reads the whole request body before it opens the upstream request (nginx in front of sync
 * workers); `streaming` passes the body through as it arrives (Heroku's router). In both, a response that
 * breaks off after its headers were sent destroys the client connection: never passed on as complete.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, errors as undiciErrors, stream as undiciStream } from 'undici';
import type { RouteModel } from '../spec/model.js';
import { mapFailure, renderErrorPage, type Failure } from './errors.js';
import { stripHop, upstreamHeaders } from './forward.js';
import { RouteTable } from './route-table.js';

export interface RouterLimits {
  mode: 'buffering' | 'streaming';
  /** Seconds to the first response byte after the request was sent; 0 disables. */
  firstByteTimeoutSeconds: number;
  /** Seconds without a byte in either direction; 0 disables. */
  idleTimeoutSeconds: number;
  timeoutStatus: number;
  timeoutCode: string;
  maxBodyBytes: number;
  maxHeaderBytes: number;
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
  host?: string;
  port?: number;
  onAccess?: (e: AccessLogEntry) => void;
}

interface Upstream {
  name: string;
  url: string;
}

export class Router {
  private readonly table: RouteTable;
  private readonly upstreams = new Map<string, Upstream[]>();
  private readonly states = new Map<string, string>();
  private readonly cursor = new Map<string, number>();
  private readonly agent: Agent;
  private server?: http.Server;

  constructor(private readonly opts: RouterOptions) {
    this.table = new RouteTable(opts.routes);
    const ms = (s: number) => (s > 0 ? s * 1000 : 0);
    this.agent = new Agent({
      headersTimeout: ms(opts.limits.firstByteTimeoutSeconds),
      bodyTimeout: ms(opts.limits.idleTimeoutSeconds),
      keepAliveTimeout: 4000,
      connections: 256,
    });
  }

  /** Replaces a component's live instances; the router spreads requests over them round-robin. */
  setUpstreams(component: string, instances: Upstream[], state = 'starting') {
    this.upstreams.set(component, instances);
    this.states.set(component, state);
  }

  setState(component: string, state: string) {
    this.states.set(component, state);
  }

  async listen(): Promise<string> {
    this.server = http.createServer(
      { maxHeaderSize: this.opts.limits.maxHeaderBytes, requestTimeout: 0, keepAliveTimeout: 65_000 },
      (req, res) => void this.handle(req, res),
    );
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 8080, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    return `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  async close(): Promise<void> {
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
    await this.agent.close();
  }

  private fail(req: IncomingMessage, res: ServerResponse, f: Failure, log: Partial<AccessLogEntry>, started: number) {
    const reply = mapFailure(f);
    const page = renderErrorPage(reply, req.headers.accept);
    if (!res.headersSent) {
      res.writeHead(reply.status, {
        'content-type': page.type,
        'content-length': Buffer.byteLength(page.body),
        'x-rehearse-error': reply.code,
      });
      res.end(page.body);
    } else res.destroy();
    this.opts.onAccess?.({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: reply.status,
      bytes: Buffer.byteLength(page.body),
      ms: Date.now() - started,
      note: reply.code,
      ...log,
    });
  }

  private pick(component: string): Upstream | undefined {
    const list = this.upstreams.get(component) ?? [];
    if (list.length === 0) return undefined;
    const i = (this.cursor.get(component) ?? 0) % list.length;
    this.cursor.set(component, i + 1);
    return list[i];
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    const path = req.url ?? '/';
    // Request smuggling: a request may not carry both framings.
    if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] !== undefined)
      return this.fail(
        req,
        res,
        {
          kind: 'bad-request',
          detail: 'Content-Length and Transfer-Encoding together are refused (request smuggling).',
        },
        {},
        started,
      );
    const match = this.table.match(path, req.headers.host);
    if (!match) return this.fail(req, res, { kind: 'no-route', path }, {}, started);
    const route = match.route;
    if (route.redirect) {
      const r = route.redirect;
      const target =
        r.uri ??
        `${r.scheme ?? 'https'}://${r.authority ?? req.headers.host ?? ''}${r.port ? `:${r.port}` : ''}${path}`;
      res.writeHead(r.code, { location: target, 'content-length': 0 }).end();
      this.opts.onAccess?.({
        method: req.method ?? 'GET',
        path,
        status: r.code,
        bytes: 0,
        ms: Date.now() - started,
        note: 'redirect',
      });
      return;
    }
    const component = route.component!;
    const up = this.pick(component);
    if (!up)
      return this.fail(
        req,
        res,
        { kind: 'no-instance', component, state: this.states.get(component) ?? 'not running' },
        { component },
        started,
      );

    const log: Partial<AccessLogEntry> = { component, instance: up.name };
    const limit = this.opts.limits.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit)
      return this.fail(req, res, { kind: 'body-too-large', limitMib: limit / 1048576 }, log, started);

    let body: Buffer | IncomingMessage | undefined = req.method === 'GET' || req.method === 'HEAD' ? undefined : req;
    if (this.opts.limits.mode === 'buffering' && body) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit)
          return this.fail(req, res, { kind: 'body-too-large', limitMib: limit / 1048576 }, log, started);
        chunks.push(chunk);
      }
      body = Buffer.concat(chunks);
    }
    const headers = upstreamHeaders(req);
    if (Buffer.isBuffer(body)) {
      headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
    }
    let bytes = 0;
    let status = 0;
    try {
      await undiciStream(
        new URL(match.upstreamPath, up.url),
        { method: req.method as 'GET', headers, body: body ?? null, dispatcher: this.agent },
        ({ statusCode, headers: upHeaders }) => {
          status = statusCode;
          res.writeHead(statusCode, stripHop(upHeaders as Record<string, string | string[]>));
          return res;
        },
      );
      bytes = Number(res.getHeader('content-length') ?? 0);
      this.opts.onAccess?.({
        method: req.method ?? 'GET',
        path,
        status,
        bytes,
        ms: Date.now() - started,
        ...log,
        ...(status === 404 && match.stripped
          ? {
              note: `prefix ${route.prefix} was stripped before ${component} saw ${match.upstreamPath}; set preserve_path_prefix: true if the app expects it`,
            }
          : {}),
      });
    } catch (err) {
      if (res.headersSent) {
        // The body broke off after the headers went out: abort, so the client sees a broken transfer.
        res.destroy();
        this.opts.onAccess?.({
          method: req.method ?? 'GET',
          path,
          status,
          bytes,
          ms: Date.now() - started,
          ...log,
          note: `TRUNCATED: ${component} (${up.name}) ended the response early: ${(err as Error).message}`,
        });
        return;
      }
      this.fail(req, res, this.classify(err, component, up.name), log, started);
    }
  }

  private classify(err: unknown, component: string, instance: string): Failure {
    const e = err as NodeJS.ErrnoException & { code?: string };
    const l = this.opts.limits;
    if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError)
      return {
        kind: 'timeout',
        component,
        seconds: e instanceof undiciErrors.HeadersTimeoutError ? l.firstByteTimeoutSeconds : l.idleTimeoutSeconds,
        status: l.timeoutStatus,
        code: l.timeoutCode,
      };
    const code = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
      return { kind: 'refused', component, instance };
    return { kind: 'bad-gateway', component, instance, detail: e.message };
  }
}
