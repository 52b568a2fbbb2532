/**
 * The upstream transport: one undici Agent for the router, with the platform's timeouts as its knobs.
 * - headersTimeout: time to the first response byte once the request was sent (Heroku's H12: 30 s; App
 *   Platform's edge: 100 s). 0 disables.
 * - bodyTimeout: the idle window between body chunks once the response started (Heroku's H15: 55 s).
 * Keep-alive to instances is on, as Heroku's Router 2.0 and nginx with `keepalive` do.
 */
import { Agent } from 'undici';

export interface TransportOptions {
  firstByteTimeoutSeconds: number;
  idleTimeoutSeconds: number;
}

export function createTransport(o: TransportOptions): Agent {
  const ms = (s: number) => (s > 0 ? s * 1000 : 0);
  return new Agent({
    headersTimeout: ms(o.firstByteTimeoutSeconds),
    bodyTimeout: ms(o.idleTimeoutSeconds),
    keepAliveTimeout: 4_000,
    connections: 512,
    pipelining: 1,
  });
}
