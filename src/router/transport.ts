/**
 * The upstream transport: one undici Pool per instance, with the platform's timeouts as its knobs.
 * - headersTimeout: time to the first response byte once the request was sent (Heroku's H12: 30 s; App
 *   Platform's edge: 100 s). 0 disables.
 * - bodyTimeout: the idle window between body chunks once the response started (Heroku's H15: 55 s).
 * Keep-alive to instances is on, as Heroku's Router 2.0 and nginx with `keepalive` do.
 */
import { Pool } from 'undici';

export interface TransportOptions {
  firstByteTimeoutSeconds: number;
  idleTimeoutSeconds: number;
}

export class Transport {
  private readonly pools = new Map<string, Pool>();
  constructor(private readonly o: TransportOptions) {}

  pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      const ms = (s: number) => (s > 0 ? s * 1000 : 0);
      p = new Pool(origin, {
        headersTimeout: ms(this.o.firstByteTimeoutSeconds),
        bodyTimeout: ms(this.o.idleTimeoutSeconds),
        keepAliveTimeout: 4_000,
        connections: 256,
        pipelining: 1,
      });
      this.pools.set(origin, p);
    }
    return p;
  }

  /** Closes pools of instances that are gone (a replaced or stopped instance). */
  retain(origins: Set<string>) {
    for (const [origin, p] of this.pools)
      if (!origins.has(origin)) {
        this.pools.delete(origin);
        void p.close().catch(() => undefined);
      }
  }

  async close() {
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => undefined)));
    this.pools.clear();
  }
}
