/**
 * Readiness as strategy objects: a probe says whether one instance answers now; waitUntilLive applies the spec's
 * delays and thresholds and races the container's exit, so a crash at boot fails at once with its evidence.
 */
import http from 'node:http';
import { RehearseError } from '../shared/errors.js';
import type { HealthCheckModel } from '../spec/model.js';
import type { Engine } from './engine.js';
import { healthStatusHint } from './blame.js';
import { explainListeners, isWildcard, listeners } from './listening.js';

export interface ProbeTarget {
  docker: Engine;
  containerId: string;
  component: string;
  /** http://127.0.0.1:<published port> */
  url: string;
  /** Errors a probe tolerates (it counts as a failed probe), for --verbose. */
  trace?: (message: string) => void;
}

export interface Probe {
  describe(): string;
  check(t: ProbeTarget, timeoutMs: number): Promise<boolean>;
}

/** TCP: something listens on the port on all interfaces, read inside the container (a published port always accepts). */
export class TcpProbe implements Probe {
  constructor(readonly port: number) {}
  describe() {
    return `TCP on port ${this.port}`;
  }
  async check(t: ProbeTarget) {
    const ls = await listeners(t.docker, t.containerId, t.trace);
    return ls?.some((l) => l.port === this.port && isWildcard(l.address)) ?? false;
  }
}

/** HTTP: GET the path; 2xx and 3xx are healthy, as the platform's probes count them. */
export class HttpProbe implements Probe {
  /** The last answer, for the failure's message ("answered 404"). */
  last = 'no answer';
  lastStatus?: number;
  constructor(readonly path: string) {}
  describe() {
    return `HTTP GET ${this.path}`;
  }
  async check(t: ProbeTarget, timeoutMs: number) {
    // node:http, one connection per probe (no keep-alive): a probe must see a fresh accept, as the platform's does.
    const status = await new Promise<number | string>((resolve) => {
      const req = http.get(
        new URL(this.path, t.url),
        { headers: { 'user-agent': 'rehearse-health/1' }, agent: false, timeout: timeoutMs },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
          res.on('close', () => resolve(res.complete ? (res.statusCode ?? 0) : 'cut off'));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    if (typeof status === 'string') {
      this.last = `no answer (${status})`;
      return false;
    }
    this.last = `answered ${status}`;
    this.lastStatus = status;
    return status >= 200 && status < 400;
  }
}

export const probeFor = (h: HealthCheckModel): Probe =>
  h.kind === 'http' ? new HttpProbe(h.path ?? '/') : new TcpProbe(h.port);

export interface LiveOptions {
  health: HealthCheckModel;
  /** Resolves when the container exits, with its exit code. */
  exited: Promise<number>;
  signal?: AbortSignal;
  /** Last log lines, for the failure's evidence. */
  logTail: () => string[];
  /** One-line diagnosis of an instance that exited before it was live. */
  explainExit?: (code: number) => Promise<string>;
}

/**
 * Probes fast (every 10 ms, then 25 ms, then 100 ms) so a healthy app is live as soon as it answers, but counts failures per period:
 * the deploy fails at the same moment production's would (initial delay + period x failure threshold).
 */
export async function waitUntilLive(t: ProbeTarget, o: LiveOptions): Promise<void> {
  const h = o.health;
  const probe = probeFor(h);
  let exitCode: number | undefined;
  void o.exited.then((c) => (exitCode = c));
  await sleep(h.initialDelaySeconds * 1000, o.signal);
  const started = Date.now();
  const deadline = started + h.periodSeconds * h.failureThreshold * 1000;
  let successes = 0;
  while (true) {
    if (o.signal?.aborted) throw o.signal.reason;
    if (exitCode !== undefined) {
      const summary = o.explainExit
        ? await o.explainExit(exitCode).catch((err: Error) => void t.trace?.(`explaining the exit: ${err.message}`))
        : undefined;
      throw new RehearseError(
        'HEALTH_FAILED',
        summary ?? `${t.component} exited with code ${exitCode} before it became live`,
        {
          details: o.logTail().slice(-30).join('\n'),
          hint: 'its last log lines, in the details, show why it stopped',
        },
      );
    }
    if (await probe.check(t, h.timeoutSeconds * 1000)) {
      if (++successes >= h.successThreshold) return;
    } else successes = 0;
    if (Date.now() > deadline) break;
    // 10 ms while a fresh instance boots, 25 ms up to 3 s, then 100 ms: a healthy app is live as soon as it
    // answers, and a probe to a port nobody listens on yet costs a refused connection on loopback, no more.
    const age = Date.now() - started;
    await sleep(Math.min(age < 1000 ? 10 : age < 3000 ? 25 : 100, h.periodSeconds * 1000), o.signal);
  }
  const ls = await listeners(t.docker, t.containerId, t.trace);
  const why = ls ? explainListeners(t.component, h.port, ls) : undefined;
  const waited = h.initialDelaySeconds + h.periodSeconds * h.failureThreshold;
  const http = probe instanceof HttpProbe ? probe : undefined;
  const answered = http?.lastStatus !== undefined && http.last.startsWith('answered');
  throw new RehearseError(
    'HEALTH_FAILED',
    `${t.component} never passed its health check (${probe.describe()}) within ${waited}s${http ? `; it ${http.last}` : ''}`,
    {
      details: [why, ...o.logTail().slice(-30)].filter(Boolean).join('\n'),
      hint:
        why ??
        (answered
          ? healthStatusHint(http!.lastStatus!, http!.path)
          : `make ${probe.describe()} answer, or raise health_check.initial_delay_seconds if boot is slow`),
    },
  );
}

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    if (ms <= 0) return resolve();
    const abort = () => (clearTimeout(t), reject(signal!.reason));
    // The listener goes with the timer: one signal serves every sleep of a long wait.
    const t = setTimeout(() => (signal?.removeEventListener('abort', abort), resolve()), ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
