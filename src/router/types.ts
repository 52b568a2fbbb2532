/** The router's options, its access log entries, and the state of one request on its way through the edge. */
import type { HostPolicy } from './hosts.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { RouteModel } from '../spec/model.js';
import type { OriginRewrite, RequestShape } from './forward.js';
import type { Match } from './route-table.js';
import type { StaticSiteOptions } from './static.js';

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
  /** Memory for request bodies buffered at once across all clients (buffering mode). @default 512 MiB */
  maxBufferedBytes?: number;
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
  /** Body bytes sent: the instance's response as relayed (before compression), or the edge's own page. */
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
  /** Host headers answered besides the loopback names on the edge's ports (hosts.ts). @default only those */
  hosts?: HostPolicy;
  /** The request as production's edge hands it to the app; without it, the client's Host and scheme pass on. */
  requestShape?: RequestShape;
  onAccess?: (e: AccessLogEntry) => void;
  /** Why an instance refused or dropped a connection, e.g. "web listens on 127.0.0.1:8080 ...". */
  explain?: (component: string, instance: string) => Promise<string | undefined>;
}

/** One request on its way through the edge. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  started: number;
  component: string;
  match: Match;
  headers: string[];
  body: Buffer | Readable | null;
  extraHeaders: string[] | undefined;
  /** The production origin mapped back to the local one in the response. */
  rewrite: OriginRewrite | undefined;
  /** Instances that failed this request so far; undefined until one did (the hot path allocates no set). */
  tried: Set<string> | undefined;
}
