/** Reports from the spec alone: a component's run-time environment, and what the app costs a month. */
import { loadProfile, type Profile } from '../profile/profile.js';
import { RehearseError } from '../shared/errors.js';
import type { AppModel, EnvEntry } from '../spec/index.js';
import { loadModel, modelOf, specFileOf } from './load-model.js';

const model = (spec: string | undefined, platform?: string): AppModel =>
  modelOf(loadModel({ file: specFileOf(spec), profile: loadProfile(platform) }));

/** The resolved run-time environment of a component; SECRET values are masked. */
export function componentEnv(spec: string | undefined, component: string): EnvEntry[] {
  const m = model(spec);
  const c = m.components.find((x) => x.name === component);
  if (!c)
    throw new RehearseError('USAGE', `no component named "${component}"`, {
      hint: `components: ${m.components.map((x) => x.name).join(', ')}`,
    });
  return c.env.map((e) => (e.secret ? { ...e, value: e.value ? '******' : '' } : e));
}

export interface CostLine {
  component: string;
  kind: string;
  slug: string;
  instances: number;
  usdPerMonth: number;
  note?: string;
}

/**
 * Monthly cost from the profile's prices: services and workers run all month at their size and count; jobs are
 * billed for the time they run (shown at $0 here); static sites are free for the first three, then $3 each.
 */
export function appCost(
  spec: string | undefined,
  platform?: string,
): { lines: CostLine[]; total: number; platform: string } {
  const profile = loadProfile(platform);
  const lines = costLines(model(spec, platform), profile);
  return { lines, total: lines.reduce((s, l) => s + l.usdPerMonth, 0), platform: profile.title };
}

export function costLines(m: AppModel, profile?: Profile): CostLine[] {
  let sites = 0;
  const lines = m.components.map((c): CostLine => {
    if (c.kind === 'static_site') {
      sites++;
      return {
        component: c.name,
        kind: c.kind,
        slug: '-',
        instances: 1,
        usdPerMonth: sites > 3 ? 3 : 0,
        note: sites > 3 ? 'static sites beyond 3: $3 each' : 'first 3 static sites free',
      };
    }
    if (c.kind === 'job')
      return {
        component: c.name,
        kind: c.kind,
        slug: c.size.slug,
        instances: c.instanceCount,
        usdPerMonth: 0,
        note: 'billed per second of run time',
      };
    return {
      component: c.name,
      kind: c.kind,
      slug: c.size.slug,
      instances: c.instanceCount,
      usdPerMonth: c.size.usd_per_month * c.instanceCount,
    };
  });
  // Databases: a dev database is the app's; a production one is a cluster of its own, billed by Databases.
  const dev = profile?.databases?.dev_usd_per_month;
  for (const d of m.databases)
    lines.push({
      component: d.name,
      kind: 'database',
      slug: d.production ? 'managed cluster' : 'dev database',
      instances: 1,
      usdPerMonth: !d.production && dev !== undefined ? dev : 0,
      note: d.production
        ? 'a managed cluster: billed by Databases, not by the app, and not priced here'
        : dev !== undefined
          ? `dev database (${d.engine}), price UNVERIFIED`
          : 'not priced by this profile',
    });
  return lines;
}
