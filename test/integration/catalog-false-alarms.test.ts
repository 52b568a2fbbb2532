/**
 * The second volume's diagnoses fire only where their cause is: never on the first volume's cases or their fixed
 * twins, the other examples, or the apps the integration tests run. Each app is started as the catalog or its
 * test starts it, kept live past the silent-Python window, then stopped; its events must not name a new cause.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startApp, type AppEvent } from '../../src/app/index.js';
import { SILENT_SECONDS } from '../../src/runtime/diagnoses/python-buffered.js';
import { VOLUME_2 } from '../../examples/broken/volume-2.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NEW_CAUSES =
  /no output from a Python process|exec format error|git would not ship|is baked into|each run the same scheduled task|sessions kept in one instance's memory/;

/** Every app spec under examples/ and test/fixtures/, but the second volume's broken cases themselves. */
function specs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...specs(p));
    else if (name === 'app.yaml') out.push(p);
  }
  return out;
}
const own = new Set(VOLUME_2.map((c) => path.join(ROOT, 'examples/broken', c.id, '.do/app.yaml')));
// This fixture does bake its SECRET build argument into the image's history (a true finding, and what its test
// checks the build log masks); its test builds it without starting it, where no notice is given.
own.add(path.join(ROOT, 'test/fixtures/build/ok/.do/app.yaml'));
const apps = [...specs(path.join(ROOT, 'examples')), ...specs(path.join(ROOT, 'test/fixtures'))]
  .filter((s) => !own.has(s))
  .sort();

/** The text of every event that could carry a diagnosis. */
function texts(events: AppEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'notice' ? [e.message] : e.type === 'crash' ? [e.diagnosis.summary] : []));
}

async function check(spec: string): Promise<string[]> {
  const events: AppEvent[] = [];
  const said: string[] = [];
  try {
    const app = await startApp({
      spec,
      onEvent: (e) => events.push(e),
      // shell-form-cmd's instance ignores SIGTERM: its stop need not wait production's full grace period.
      overrides: { termination: { grace_period_seconds: 3 } },
      // Fixtures with SECRETs get a value, as their tests give one.
      env: { SENTRY_AUTH_TOKEN: 'x'.repeat(12) },
    });
    try {
      await fetch(app.routerUrl, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, (SILENT_SECONDS + 1.5) * 1000));
    } finally {
      await app.stop();
    }
  } catch (err) {
    said.push(`${(err as Error).message} ${(err as { hint?: string }).hint ?? ''}`);
  }
  console.error(`${path.relative(ROOT, spec)}: checked`);
  return [...texts(events), ...said].filter((t) => NEW_CAUSES.test(t)).map((t) => `${path.relative(ROOT, spec)}: ${t}`);
}

it(`no new diagnosis fires on the ${apps.length} other apps`, { timeout: 900_000 }, async () => {
  const alarms: string[] = [];
  // Two at a time: the machine has two cores.
  const queue = [...apps];
  await Promise.all(
    [0, 1].map(async () => {
      for (let s = queue.shift(); s; s = queue.shift()) alarms.push(...(await check(s)));
    }),
  );
  expect(alarms).toEqual([]);
});
