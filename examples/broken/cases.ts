/**
 * The failure catalog: each case makes rehearse fail the way production fails, and checks the fixed twin passes.
 * Used by `npm run catalog` (the table) and by test/integration/catalog.test.ts (the assertions).
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, type AppEvent, type RunningApp, type StartOptions } from '../../src/app/index.js';
import { BUILDPACK_CASES } from './buildpack-cases.js';

export const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface Outcome {
  /** The production symptom was reproduced. */
  symptom: boolean;
  /** The diagnosis rehearse gave, one or two lines. */
  diagnosis: string;
}

export interface CatalogCase {
  id: string;
  /** Number in the issue's list. */
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

export const specOf = (id: string, fixed = false) => path.join(HERE, id, fixed ? 'fixed' : '', '.do/app.yaml');

/** Starts a case's app, collecting events; the app is always stopped. */
export async function withApp<T>(
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
export async function deployFails(spec: string, o: Partial<StartOptions>): Promise<Outcome> {
  try {
    await (await startApp({ spec, ...o })).stop();
    return { symptom: false, diagnosis: '' };
  } catch (err) {
    const e = err as { code?: string; message: string; hint?: string };
    return { symptom: e.code === 'HEALTH_FAILED', diagnosis: `${e.message}. ${e.hint ?? ''}`.trim() };
  }
}

export const answers = (spec: string, o: Partial<StartOptions>, p = '/', status = 200) =>
  withApp(
    spec,
    o,
    async (app) => (await fetch(app.routerUrl + p, { signal: AbortSignal.timeout(20_000) })).status === status,
  ).catch(() => false);

export function rawGet(url: string): Promise<{ status: number; complete: boolean }> {
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

export const eventually = async <T>(fn: () => T | undefined, ms = 20_000): Promise<T | undefined> => {
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

/** Sends a body over `seconds`, a few bytes a second, like a phone on a bad network. */
function slowUpload(url: string, seconds: number): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: '/upload', method: 'POST', headers: { 'content-length': seconds * 10 } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(Date.now()));
      },
    );
    req.on('error', reject);
    // The first bytes go at once, then a trickle: what a phone on a bad network sends.
    req.write('0123456789');
    let sent = 1;
    const t = setInterval(() => {
      req.write('0123456789');
      if (++sent === seconds) {
        clearInterval(t);
        req.end();
      }
    }, 1000);
  });
}

/**
 * The slow upload and a fast request side by side; true when the fast one was answered while the upload was
 * still arriving (long before it ended), false when it waited for the upload to finish.
 */
async function fastServedFirst(app: RunningApp): Promise<boolean> {
  const slow = slowUpload(app.routerUrl, 6);
  // A head start, so the upload holds the worker before the fast request arrives, even on a loaded machine.
  await new Promise((r) => setTimeout(r, 1500));
  await fetch(app.routerUrl + '/fast');
  const fastDone = Date.now();
  const slowDone = await slow;
  // The upload still had 3.5 s to go when the fast request was sent: a second's margin either way.
  return fastDone < slowDone - 1000;
}

CASES.push(
  {
    id: 'gunicorn-tmp-dir',
    n: 1,
    title: "gunicorn without --worker-tmp-dir: its workers die in a loop under the platform's sandbox",
    expect:
      /web-1: gunicorn's workers die in a loop \(os\.fchmod PermissionError .*\) while the deploy looks healthy: add --worker-tmp-dir \/dev\/shm/,
    // Seed 000's shape: no health_check, so the platform's TCP check passes on the arbiter's socket.
    reproduce: (s, o) =>
      withApp(s, o, async (_app, events) => {
        const notice = await eventually(() =>
          events.find((e): e is Extract<AppEvent, { type: 'notice' }> => e.type === 'notice'),
        );
        return { symptom: notice !== undefined, diagnosis: notice?.message ?? '' };
      }),
    fixed: (s, o) => answers(s, o),
  },
  {
    id: 'django-import-settings',
    n: 4,
    title: 'settings read at import time with a missing env var',
    expect:
      /^web-1 exited with code \d+ after [\d.]+s: django\.core\.exceptions\.ImproperlyConfigured: PAYMENTS_KEY is not configured.*PAYMENTS_KEY is not set at run time: add it to web's envs/,
    reproduce: deployFails,
    fixed: (s, o) => answers(s, o),
  },
  {
    id: 'build-time-var',
    n: 5,
    title: 'a BUILD_TIME variable used at run time',
    expect:
      /Error: missing environment variable API_URL\. API_URL is scoped BUILD_TIME in the spec, so it exists during the build only: set its scope to RUN_TIME/,
    reproduce: deployFails,
    fixed: (s, o) => answers(s, o),
  },
  {
    id: 'slow-clients',
    n: 7,
    title: 'slow clients in front of sync workers (streaming router), and the buffering one',
    expect: /web runs gunicorn sync workers behind a streaming router: each slow upload holds a worker/,
    reproduce: (s, o) =>
      withApp(s, { ...o, router: 'streaming' }, async (app, events) => {
        const first = await fastServedFirst(app);
        const notice = events.find((e): e is Extract<AppEvent, { type: 'notice' }> => e.type === 'notice');
        return { symptom: !first, diagnosis: notice?.message ?? '' };
      }),
    fixed: (s, o) => withApp(s, { ...o, router: 'buffering' }, fastServedFirst),
  },
  {
    id: 'shell-form-cmd',
    n: 12,
    title: 'a shell-form CMD: the app never sees SIGTERM',
    expect:
      /web-1 did not exit on SIGTERM and was killed after its 3 s grace period, with any requests in flight: its CMD is in shell form/,
    shortened: { what: 'termination grace period', production: '120 s', used: '3 s' },
    options: { overrides: { termination: { grace_period_seconds: 3 } } },
    reproduce: async (s, o) => {
      const events: AppEvent[] = [];
      const app = await startApp({ spec: s, ...o, onEvent: (e) => events.push(e) });
      const inflight = rawGet(app.routerUrl + '/report').catch(() => ({ status: 0, complete: false }));
      await new Promise((r) => setTimeout(r, 300));
      await app.stop();
      const r = await inflight;
      const notice = events.find((e): e is Extract<AppEvent, { type: 'notice' }> => e.type === 'notice');
      return { symptom: !r.complete || r.status !== 200, diagnosis: notice?.message ?? '' };
    },
    fixed: async (s, o) => {
      const events: AppEvent[] = [];
      const app = await startApp({ spec: s, ...o, onEvent: (e) => events.push(e) });
      const inflight = rawGet(app.routerUrl + '/report');
      await new Promise((r) => setTimeout(r, 300));
      const stopping = app.stop();
      const r = await inflight;
      await stopping;
      return r.status === 200 && r.complete && !events.some((e) => e.type === 'notice');
    },
  },
  {
    id: 'uploads-on-disk',
    n: 13,
    title: 'uploads written to the local disk',
    expect: /web-1 tried to write .*on a read-only filesystem.*Store uploads in object storage/,
    // Production's disk takes the upload and loses it at the next restart; the strict mode fails it at once.
    options: { filesystem: 'read-only' },
    reproduce: (s, o) =>
      withApp(s, o, async (app, events) => {
        const status = (await fetch(app.routerUrl + '/upload', { method: 'POST', body: 'PNG...' })).status;
        const notice = await eventually(() =>
          events.find((e): e is Extract<AppEvent, { type: 'notice' }> => e.type === 'notice'),
        );
        return { symptom: status === 500, diagnosis: notice?.message ?? '' };
      }),
    fixed: (s, o) =>
      withApp(
        s,
        o,
        async (app) => (await fetch(app.routerUrl + '/upload', { method: 'POST', body: 'PNG...' })).status === 201,
      ),
  },
);
CASES.push(...BUILDPACK_CASES);
CASES.sort((a, b) => a.n - b.n);

export async function runCase(c: CatalogCase): Promise<Outcome & { fixedPasses: boolean }> {
  const o = c.options ?? {};
  const outcome = await c.reproduce(specOf(c.id), o);
  const fixedPasses = await c.fixed(specOf(c.id, true), o);
  return { ...outcome, fixedPasses };
}
