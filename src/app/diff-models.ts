/**
 * What a spec edit changed, model against model: the components `--watch` rolls out, and what it cannot apply
 * without a new `up`. Positions in the file (`line`) are not behaviour: a comment added above a component
 * changes none of its instances.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AppModel } from '../spec/index.js';

export interface ModelDiff {
  /** Components only in the new model. */
  added: string[];
  /** Components only in the old model. */
  removed: string[];
  /** Components in both whose model differs in anything but their place in the file. */
  changed: string[];
  /** The route table differs (order, prefixes, targets, rewrites, CORS). */
  routes: boolean;
  /** The declared databases differ. */
  databases: boolean;
}

export function diffModels(before: AppModel, after: AppModel): ModelDiff {
  const old = new Map(before.components.map((c) => [c.name, c]));
  const now = new Map(after.components.map((c) => [c.name, c]));
  return {
    added: [...now.keys()].filter((n) => !old.has(n)),
    removed: [...old.keys()].filter((n) => !now.has(n)),
    changed: [...now.values()]
      .filter((c) => old.has(c.name) && !isDeepStrictEqual(withoutLines(old.get(c.name)), withoutLines(c)))
      .map((c) => c.name),
    routes: !isDeepStrictEqual(withoutLines(before.routes), withoutLines(after.routes)),
    databases: !isDeepStrictEqual(before.databases, after.databases),
  };
}

/** A deep copy with every `line` key dropped. */
function withoutLines(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutLines);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'line')
        .map(([k, x]) => [k, withoutLines(x)]),
    );
  return v;
}
