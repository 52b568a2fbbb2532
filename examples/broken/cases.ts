/**
 * The failure catalog: each case makes rehearse fail the way production fails, and checks the fixed twin passes.
 * Used by `npm run catalog` (the table) and by test/integration/catalog.test.ts (the assertions).
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, type AppEvent, type RunningApp, type StartOptions } from '../../src/app/index.js';

export const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface Outcome {
  /** The production symptom was reproduced. */
  symptom: boolean;
  /** The diagnosis rehearse gave, one or two lines. */
  diagnosis: string;
}

export interface CatalogCase {
  id: string;
  /** Number in the list. */
  n: number;
  title: string;
  /** What the diagnosis must say (asserted by the test). */
  expect: RegExp;
  /** A platform value shortened so the case runs fast: production's and the one used. */
  shortened?: { what: string; production: string; used: string };
  options?: Partial<StartOptions>;
  reproduce(spec: string, o: Partial<StartOptions>): Promise<Outcome>;
  fixed(spec: string, o: Partial<StartOptions>): Promise<boolean>;
}

const specOf = (id: string, fixed = false) => path.join(HERE, id, fixed ? 'fixed' : '', '.do/app.yaml');

/** Starts a case's app, collecting events; the app is always stopped. */
async function withApp<T>(
  spec: string,
  o: Partial<StartOptions>,
  fn: (app: RunningApp, events: AppEvent[]) => Promise<T>,
): Promise<T> {
  const events: AppEvent[] = [];
  const app = await startApp({ spec, ...o, onEvent: (e) => events.push(e) });
  try {
    return await fn(app, events);
  } finally {
    await app.stop();
  }
}

/** Deploy failures: the symptom is a failed deploy; the diagnosis is the error's hint. */
async function deployFails(spec: string, o: Partial<StartOptions>): Promise<Outcome> {
  try {
    await (await startApp({ spec, ...o })).stop();
    return { symptom: false, diagnosis: '' };
  } catch (err) {
    const e = err as { code?: string; message: string; hint?: string };
    return { symptom: e.code === 'HEALTH_FAILED', diagnosis: `${e.message}. ${e.hint ?? ''}`.trim() };
  }
}

const answers = (spec: string, o: Partial<StartOptions>, p = '/', status = 200) =>
  withApp(
    spec,
    o,
    async (app) => (await fetch(app.routerUrl + p, { signal: AbortSignal.timeout(20_000) })).status === status,
  ).catch(() => false);

function rawGet(url: string): Promise<{ status: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, complete: res.complete }));
        res.on('aborted', () => resolve({ status: res.statusCode!, complete: false }));
        res.on('error', () => resolve({ status: res.statusCode!, complete: false }));
      })
      .on('error', reject);
  });
}

const eventually = async <T>(fn: () => T | undefined, ms = 20_000): Promise<T | undefined> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
};

export const CASES: CatalogCase[] = [
  {
    id: 'ignores-port',
    n: 2,
    title: 'the app ignores $PORT and binds 8000',
    expect: /listens on 0\.0\.0\.0:8000, but the platform sends traffic to 0\.0\.0\.0:8080 \(\$PORT\)/,
    reproduce: deployFails,
    fixed: (s, o) => answers(s, o),
  },
  {
    id: 'binds-loopback',
    n: 3,
    title: 'the app binds 127.0.0.1',
    expect: /listens on 127\.0\.0\.1:8080, which only the container itself can reach; bind 0\.0\.0\.0:8080/,
    reproduce: deployFails,
    fixed: (s, o) => answers(s, o),
  },
  {
    id: 'stripped-prefix',
    n: 6,
    title: 'the route prefix is stripped while the app expects it',
    expect: /prefix \/api was stripped before web saw \/users; set preserve_path_prefix: true/,
    reproduce: (s, o) =>
      withApp(s, o, async (app, events) => {
        const status = (await fetch(app.routerUrl + '/api/users')).status;
        const note =
          (await eventually(() => events.find((e) => e.type === 'access' && e.entry.path === '/api/users')))?.type ===
          'access'
            ? (
                events.find((e) => e.type === 'access' && e.entry.path === '/api/users') as Extract<
                  AppEvent,
                  { type: 'access' }
                >
              ).entry.note
            : undefined;
        return { symptom: status === 404, diagnosis: note ?? '' };
      }),
    fixed: (s, o) => answers(s, o, '/api/users'),
  },
  {
    id: 'dies-mid-response',
    n: 8,
    title: 'the upstream dies mid-response',
    expect: /^TRUNCATED: web \(web-1\) ended the response early/,
    reproduce: (s, o) =>
      withApp(s, o, async (app, events) => {
        const r = await rawGet(app.routerUrl + '/report');
        const entry = await eventually(() =>
          events.find(
            (e): e is Extract<AppEvent, { type: 'access' }> => e.type === 'access' && e.entry.path === '/report',
          ),
        );
        return { symptom: r.status === 200 && !r.complete, diagnosis: entry?.entry.note ?? '' };
      }),
    fixed: (s, o) => withApp(s, o, async (app) => (await rawGet(app.routerUrl + '/report')).complete),
  },
  {
    id: 'slow-handler',
    n: 9,
    title: 'a handler slower than the edge timeout',
    expect: /web sent no response within DigitalOcean App Platform's 3 s request timeout \(EDGE_TIMEOUT\)/,
    shortened: { what: 'edge first-byte timeout', production: '100 s', used: '3 s' },
    options: { overrides: { router: { first_byte_timeout_seconds: 3 } } },
    reproduce: (s, o) =>
      withApp(s, o, async (app) => {
        const res = await fetch(app.routerUrl + '/export', { headers: { accept: 'application/json' } });
        const body = (await res.json()) as { code: string; error: string };
        return { symptom: res.status === 504 && body.code === 'EDGE_TIMEOUT', diagnosis: body.error };
      }),
    fixed: (s, o) => answers(s, o, '/export', 202),
  },
  {
    id: 'out-of-memory',
    n: 10,
    title: 'memory above the instance size',
    expect:
      /ran out of memory: killed at the 512 MiB limit of apps-s-1vcpu-0\.5gb\. .*instance_size_slug: apps-s-1vcpu-1gb/,
    reproduce: (s, o) =>
      withApp(s, o, async (app) => {
        await fetch(app.routerUrl + '/report', { signal: AbortSignal.timeout(20_000) }).catch(() => undefined);
        const d = await eventually(() => app.diagnoses().find((x) => x.oomKilled));
        return { symptom: d !== undefined, diagnosis: d?.summary ?? '' };
      }),
    fixed: (s, o) => answers(s, o, '/report'),
  },
  {
    id: 'replicas-talk',
    n: 11,
    title: 'instances of one service try to reach each other',
    expect: /web's 2 instances cannot reach each other, as on DigitalOcean App Platform: replicas must not cluster/,
    reproduce: (s, o) =>
      withApp(s, o, async (app, events) => {
        const body = await (await fetch(app.routerUrl + '/')).text();
        const notice = events.find((e): e is Extract<AppEvent, { type: 'notice' }> => e.type === 'notice');
        return { symptom: body.trim() === '["ECONNREFUSED"]', diagnosis: notice?.message ?? '' };
      }),
    fixed: (s, o) =>
      withApp(s, o, async (app) => (await (await fetch(app.routerUrl + '/')).text()).trim() === '["connected"]'),
  },
  {
    id: 'missing-health-path',
    n: 14,
    title: 'a health check path that does not exist',
    expect:
      /never passed its health check \(HTTP GET \/health\) within 4s; it answered 404.*http_path \/health is not a path the app serves/,
    reproduce: deployFails,
    fixed: (s, o) => answers(s, o),
  },
];

export async function runCase(c: CatalogCase): Promise<Outcome & { fixedPasses: boolean }> {
  const o = c.options ?? {};
  const outcome = await c.reproduce(specOf(c.id), o);
  const fixedPasses = await c.fixed(specOf(c.id, true), o);
  return { ...outcome, fixedPasses };
}
