/**
 * Catalog class 6: sessions kept in one process's memory (express-session's MemoryStore, a dict) while the edge
 * spreads requests over several instances with no affinity: a user logged in on one instance is a stranger to
 * the others, and is "logged out" at random. The sign at the edge: one path answered 2xx by some instances and
 * only 401/403 by the others, every time. (With real users, refusals would spread over all instances alike.)
 * Source: expressjs/session README ("MemoryStore, is purposely not designed for a production environment ... does
 * not scale past a single process").
 */

/** What the rule reads of an edge access-log entry. */
export interface Answered {
  method: string;
  path: string;
  component?: string;
  instance?: string;
  status: number;
}

/** Answers per instance before the split counts: twice each, so one early 401 before a login is not enough. */
const TIMES = 2;

export class LostSessions {
  /** component + path -> instance -> [2xx answers, 401/403 answers]. */
  private readonly seen = new Map<string, Map<string, [number, number]>>();
  private readonly told = new Set<string>();

  constructor(
    private readonly instanceCount: (component: string) => number,
    private readonly notice: (component: string, message: string) => void,
  ) {}

  see(e: Answered): void {
    if (!e.component || !e.instance || this.told.has(e.component) || this.instanceCount(e.component) < 2) return;
    const ok = e.status >= 200 && e.status < 300;
    const refused = e.status === 401 || e.status === 403;
    if (!ok && !refused) return;
    const key = `${e.component} ${e.method} ${e.path.split('?')[0]}`;
    let byInstance = this.seen.get(key);
    if (!byInstance) this.seen.set(key, (byInstance = new Map()));
    const counts = byInstance.get(e.instance) ?? [0, 0];
    counts[ok ? 0 : 1]++;
    byInstance.set(e.instance, counts);
    const all = [...byInstance.values()];
    const accepting = all.filter(([a, r]) => a >= TIMES && r === 0).length;
    const refusing = all.filter(([a, r]) => r >= TIMES && a === 0).length;
    if (!accepting || !refusing || accepting + refusing !== all.length) return;
    this.told.add(e.component);
    this.notice(
      e.component,
      `${e.method} ${e.path.split('?')[0]} is accepted by ${accepting} of ${e.component}'s instances and refused (${e.status === 403 ? 403 : 401}) by the other ${refusing}, every time: sessions kept in one instance's memory are unknown to the others, and the edge has no sticky sessions, so users are logged out at random.\nKeep sessions in a shared store (Redis, the database) or in a signed cookie.`,
    );
  }
}
