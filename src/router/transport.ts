/**
 * The upstream transport: keep-alive connections per instance (undici Clients, one request at a time each),
 * with the platform's timeouts as their knobs.
 * - headersTimeout: time to the first response byte once the request was sent (Heroku's H12: 30 s; App
 *   Platform's edge: 100 s). 0 disables.
 * - bodyTimeout: the idle window between body chunks once the response started (Heroku's H15: 55 s).
 * Connections are kept as a stack of idle ones, as nginx's `keepalive` cache does: taking one is a pop, where
 * undici's Pool scans every connection it holds on each request (measurably slower under load).
 */
import { Client, type Dispatcher } from 'undici';

export interface TransportOptions {
  firstByteTimeoutSeconds: number;
  idleTimeoutSeconds: number;
}

/** Idle keep-alive connections kept per instance; more are opened under load, and closed when they go idle. */
const MAX_IDLE = 64;

/** One instance's connections. A connection goes back on the stack when its exchange ends, or is dropped. */
export class Origin {
  private readonly idle: Client[] = [];
  private readonly all = new Set<Client>();
  constructor(
    private readonly url: string,
    private readonly options: Client.Options,
  ) {}

  acquire(): Dispatcher {
    let c = this.idle.pop();
    if (!c) {
      c = new Client(this.url, this.options);
      this.all.add(c);
    }
    return c;
  }

  release(d: Dispatcher) {
    const c = d as Client;
    // A closed or destroyed client cannot carry another request; an idle one whose socket timed out reconnects.
    if (c.closed || c.destroyed) this.all.delete(c);
    else if (this.idle.length >= MAX_IDLE) {
      // After a burst, keep no more idle connections than nginx-style `keepalive` would: close the rest.
      this.all.delete(c);
      void c.close().catch(() => undefined);
    } else this.idle.push(c);
  }

  async close(destroy: boolean) {
    const clients = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(clients.map((c) => (destroy ? c.destroy() : c.close()).catch(() => undefined)));
  }
}

export class Transport {
  private readonly origins = new Map<string, Origin>();
  constructor(private readonly o: TransportOptions) {}

  origin(url: string): Origin {
    let p = this.origins.get(url);
    if (!p) {
      const ms = (s: number) => (s > 0 ? s * 1000 : 0);
      p = new Origin(url, {
        headersTimeout: ms(this.o.firstByteTimeoutSeconds),
        bodyTimeout: ms(this.o.idleTimeoutSeconds),
        keepAliveTimeout: 4_000,
        pipelining: 1,
      });
      this.origins.set(url, p);
    }
    return p;
  }

  /** Closes the connections of instances that are gone (a replaced or stopped instance). */
  retain(urls: Set<string>) {
    for (const [url, p] of this.origins)
      if (!urls.has(url)) {
        this.origins.delete(url);
        void p.close(false);
      }
  }

  async close() {
    await Promise.all([...this.origins.values()].map((p) => p.close(true)));
    this.origins.clear();
  }
}
