/**
 * Chaos on real containers (issue 17): a steady client through the edge while a driver applies faults at random
 * (seeded: CHAOS_SEED, CHAOS_FAULTS) to a two-instance service: kill, rm -f, pause then unpause, network
 * disconnect then connect, two restarts at once. After each fault the app serves again within 10 s and both
 * instances are live again (no stuck state); every non-2xx the client saw is in the access log with its cause;
 * stopping the app leaves nothing behind.
 */
import { expect, it } from 'vitest';
import { startApp, type AppEvent } from '../../src/app/index.js';
import type { AccessLogEntry } from '../../src/router/server.js';
import { containerOf, docker, twoInstanceHello } from '../helpers/supervised.js';

const SEED = Number(process.env.CHAOS_SEED ?? 17);
const FAULTS = Number(process.env.CHAOS_FAULTS ?? 50);
/** A pause lasts up to the liveness window of the spec (3 checks 1 s apart) and a little more. */
const PAUSE_MAX_MS = 4000;
const RECOVER_MS = 10_000;
/** Two restarts at once on a loaded machine: four fresh containers, each with its health check. */
const FAULT_MS = 60_000;

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function within(ms: number, what: string, action: () => Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([action(), late]);
  } finally {
    clearTimeout(timer);
  }
}
const quietly = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    () => undefined,
  );

it(`${FAULTS} random faults on a two-instance service: it always serves again, nothing stuck, nothing unexplained`, async () => {
  const rnd = random(SEED);
  const access: AccessLogEntry[] = [];
  const app = await startApp({
    spec: twoInstanceHello(),
    onEvent: (e: AppEvent) => e.type === 'access' && access.push(e.entry),
  });
  const net = docker.getNetwork(`rehearse-${app.appId}`);
  const seen: { n: number; status: number | string }[] = [];
  const log: string[] = [];
  let lastOk = Date.now();
  let running = true;
  // The steady client: one request at a time, each with its own number so the access log can be matched.
  const client = (async () => {
    for (let n = 0; running; n++) {
      try {
        const res = await fetch(`${app.routerUrl}/?n=${n}`, { signal: AbortSignal.timeout(15_000) });
        await res.text();
        seen.push({ n, status: res.status });
        if (!res.ok && process.env.CHAOS_DEBUG) log.push(`${Date.now() % 100000} client ${n} ${res.status}`);
        if (res.ok) lastOk = Date.now();
      } catch (err) {
        seen.push({ n, status: (err as Error).name });
      }
      await sleep(20);
    }
  })();
  const serving = async (since: number) => {
    const deadline = since + RECOVER_MS;
    while (lastOk <= since) {
      if (Date.now() > deadline) throw new Error(`no 2xx through the edge within ${RECOVER_MS} ms`);
      await sleep(20);
    }
    return lastOk - since;
  };
  /** No stuck state: both instances live on the port their container publishes now, nothing left to repair. */
  const settled = async (ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const all = app.instances();
      const states = all.map((i) => `${i.name}:${i.state}`);
      const ports = await Promise.all(
        all.map(async (i) => {
          const info = await docker
            .getContainer(i.containerId)
            .inspect()
            .catch(() => undefined);
          return `http://127.0.0.1:${info?.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort}` === i.url;
        }),
      );
      if (all.length === 2 && all.every((i) => i.state === 'live') && ports.every(Boolean) && app.settled()) return;
      if (Date.now() > deadline)
        throw new Error(`stuck: ${states.join(', ')}; ports current: ${ports}; settled: ${app.settled()}`);
      await sleep(50);
    }
  };

  // Two restarts at once cycle both instances twice (a fresh container each, ~10 s): drawn half as often as the
  // others, so 50 faults fit in about three minutes on two busy cores.
  const kinds = ['kill', 'kill', 'rm', 'rm', 'pause', 'pause', 'disconnect', 'disconnect', 'restarts'] as const;
  let prev = '';
  const watcher = process.env.CHAOS_DEBUG
    ? setInterval(() => {
        const now =
          app
            .instances()
            .map((i) => `${i.name}:${i.state}:${i.url?.slice(-5)}`)
            .join(' ') + ` settled=${app.settled()}`;
        if (now !== prev) log.push(`${Date.now() % 100000} ${(prev = now)}`);
      }, 20)
    : undefined;
  const recoveries: number[] = [];
  const t0 = Date.now();
  try {
    for (let f = 0; f < FAULTS; f++) {
      const kind = kinds[Math.floor(rnd() * kinds.length)]!;
      const target = `web-${1 + Math.floor(rnd() * 2)}`;
      const c = (await containerOf(app.appId, target))!;
      const at = Date.now();
      log.push(`${Date.now() % 100000} fault ${f}: ${kind} ${target}`);
      const pauseMs = rnd() * PAUSE_MAX_MS;
      const linkMs = rnd() * 2000;
      // Bounded: a fault that hangs (a restart that never ends) fails the run with its name, never the timeout.
      await within(FAULT_MS, `${kind} ${target}`, async () => {
        if (kind === 'kill') await c.kill();
        else if (kind === 'rm') await c.remove({ force: true });
        else if (kind === 'pause') {
          await c.pause();
          await sleep(pauseMs);
          await quietly(c.unpause()); // the liveness check may have restarted it already
        } else if (kind === 'disconnect') {
          await net.disconnect({ Container: c.id, Force: true });
          await sleep(linkMs);
          await quietly(net.connect({ Container: c.id })); // the supervisor may have connected it already
        } else await Promise.all([app.restart('web'), app.restart('web')]);
      });
      const after = kind === 'pause' || kind === 'disconnect' || kind === 'restarts' ? Date.now() : at;
      recoveries.push(await serving(after));
      await settled(RECOVER_MS + (kind === 'pause' ? PAUSE_MAX_MS : 0));
    }
  } catch (err) {
    throw new Error(`seed ${SEED}, after faults:\n${log.join('\n')}\n${(err as Error).message}`);
  } finally {
    running = false;
    clearInterval(watcher);
    await client;
    await app.stop();
  }
  // Every answer that was not 2xx is in the access log, with the edge's reason.
  const failed = seen.filter((s) => typeof s.status !== 'number' || s.status >= 300);
  for (const s of failed) {
    const entry = access.find((e) => e.path === `/?n=${s.n}`);
    expect(entry, `request ${s.n} (${s.status}) is not in the access log`).toBeDefined();
    if (typeof s.status === 'number') expect(entry!.status).toBe(s.status);
    expect(entry!.note, `request ${s.n} (${s.status}) has no cause`).toMatch(/\w/);
  }
  if (process.env.CHAOS_DEBUG)
    console.log(
      failed.map((s) => `${s.n} ${s.status} ${access.find((e) => e.path === `/?n=${s.n}`)?.note}`).join('\n'),
      log.join('\n'),
    );
  // Nothing left behind.
  const left = [
    ...(await docker.listContainers({ all: true, filters: { label: [`rehearse.app=${app.appId}`] } })),
    ...(await docker.listNetworks({ filters: { label: [`rehearse.app=${app.appId}`] } })),
  ];
  expect(left).toEqual([]);
  console.log(
    `chaos seed ${SEED}: ${FAULTS} faults in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${seen.length} requests, ${failed.length} not 2xx (${[...new Set(failed.map((s) => s.status))].join(', ')}); serving again after max ${Math.max(...recoveries)} ms, median ${recoveries.sort((a, b) => a - b)[recoveries.length >> 1]} ms`,
  );
}, 360_000);
