/**
 * A component's live instances and the router's view of them: round-robin, and an instance that refused a
 * connection is taken out for a moment (passive health) until the runtime reports it live again.
 */
export interface Upstream {
  name: string;
  url: string;
}

const DOWN_MS = 2000;

export class Upstreams {
  private readonly lists = new Map<string, Upstream[]>();
  private readonly states = new Map<string, string>();
  private readonly cursor = new Map<string, number>();
  private readonly down = new Map<string, number>();

  set(component: string, instances: Upstream[], state: string) {
    this.lists.set(component, instances);
    this.states.set(component, state);
    for (const i of instances) this.down.delete(i.name);
  }

  state(component: string): string {
    return this.states.get(component) ?? 'not running';
  }

  count(component: string): number {
    return this.lists.get(component)?.length ?? 0;
  }

  markDown(_component: string, instance: string) {
    this.down.set(instance, Date.now() + DOWN_MS);
  }

  origins(): Set<string> {
    return new Set([...this.lists.values()].flat().map((u) => u.url));
  }

  pick(component: string, exclude: ReadonlySet<string>): Upstream | undefined {
    const list = this.lists.get(component) ?? [];
    // The hot path: nothing excluded, nothing marked down.
    if (exclude.size === 0 && this.down.size === 0 && list.length) {
      const i = (this.cursor.get(component) ?? 0) % list.length;
      this.cursor.set(component, i + 1);
      return list[i];
    }
    const now = Date.now();
    const ok = list.filter((u) => !exclude.has(u.name) && (this.down.get(u.name) ?? 0) <= now);
    const pool = ok.length ? ok : list.filter((u) => !exclude.has(u.name));
    if (pool.length === 0) return undefined;
    const i = (this.cursor.get(component) ?? 0) % pool.length;
    this.cursor.set(component, i + 1);
    return pool[i];
  }
}
