import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Router, type AccessLogEntry, type RouterLimits, type RouterOptions } from '../../src/router/server.js';
import type { RouteModel } from '../../src/spec/model.js';

export const route = (prefix: string, component: string, extra: Partial<RouteModel> = {}): RouteModel => ({
  prefix,
  component,
  preservePathPrefix: false,
  line: 1,
  ...extra,
});

export const LIMITS: RouterLimits = {
  mode: 'streaming',
  firstByteTimeoutSeconds: 5,
  idleTimeoutSeconds: 5,
  timeoutStatus: 504,
  timeoutCode: 'EDGE_TIMEOUT',
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  platform: 'App Platform',
};

export async function startRouter(
  routes: RouteModel[],
  limits: Partial<RouterLimits> = {},
  extra: Partial<RouterOptions> = {},
) {
  const log: AccessLogEntry[] = [];
  const router = new Router({
    routes,
    port: 0,
    limits: { ...LIMITS, ...limits },
    onAccess: (e) => log.push(e),
    hosts: { names: ['x'] }, // the raw requests' Host
    ...extra,
  });
  const url = await router.listen();
  return { router, url, log, port: Number(new URL(url).port) };
}

/** An HTTP upstream on a free loopback port. */
export async function httpUpstream(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** A raw TCP upstream that writes exactly what it is told, then closes. */
export async function rawUpstream(reply: string | Buffer) {
  const server = net.createServer((s) => {
    s.once('data', () => s.end(reply));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface RawResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** true when the response ended as HTTP says it should; false when the connection broke off. */
  complete: boolean;
}

/** A plain node:http client that reports whether the body was complete or aborted. */
export function get(url: string, opts: http.RequestOptions & { body?: string | Buffer } = {}): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const done = (complete: boolean) =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), complete });
      res.on('end', () => done(res.complete));
      res.on('aborted', () => done(false));
      res.on('error', () => done(false));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.end(opts.body);
  });
}

/** Sends raw bytes and returns what came back before the server closed or 2 s passed. */
export function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (b) => (out += b.toString()));
    const end = () => resolve(out);
    s.on('close', end);
    s.on('error', end);
    setTimeout(() => (s.destroy(), end()), 2000);
  });
}
