/**
 * One supervisor per instance owns its container's lifecycle once it first went live, and reconciles it with
 * what the engine says (events filtered on the app's labels, engine-events.ts) and with the platform's liveness
 * check (profile `liveness`, app-platform.md §1.5). Every change it makes runs in the app's change queue, so it
 * never interleaves with a rollout, a `restart` or a stop (issue 17):
 * - every restart is a fresh container (and disk), as the platform's;
 * - an app that crashes is restarted after a backoff (1 s doubling to 30 s, reset once it ran a minute), as the
 *   platform restarts a crashed container; a container stopped, killed or removed from outside (`docker kill`,
 *   `docker rm -f`) is replaced at once, the way the platform replaces a lost instance;
 * - a paused (hung) instance leaves the router at once; its liveness check restarts it after the platform's
 *   window unless it answers again first;
 * - a container disconnected from the app network is connected again, and a published port that moved is
 *   followed (the router dials the new one).
 */
import type { Diagnosis } from './diagnose.js';
import type { Engine } from './engine.js';
import type { ChangeQueue } from './change-queue.js';
import type { Instance } from './instance.js';
import { probeFor } from './readiness.js';

export interface Supervision {
  queue: ChangeQueue;
  /** Creates a container with this instance's configuration (the old one is removed first), labelled with its crash loop. */
  create(restarts: number, lastCrash?: string): Promise<string>;
  /** The app network and the instance's DNS aliases on it. */
  network: string;
  aliases: string[];
  /** After a repair that may have changed the container's address: replica isolation is applied again. */
  repaired(inst: Instance): Promise<void>;
}

const BACKOFF_MAX_MS = 30_000;
const STABLE_MS = 60_000;
/** Engine events arrive in bursts (kill, die, disconnect, destroy): one reconciliation after the burst. */
const SETTLE_MS = 150;

export class Supervisor {
  private stopped = false;
  private watching = false;
  /** The run a repair is scheduled for: one repair per run, whoever asks (exit watch, failed repair, liveness). */
  private scheduledFor = -1;
  private backoffMs = 1000;
  private timers = new Set<NodeJS.Timeout>();
  private livenessTimer?: NodeJS.Timeout;
  private settle?: NodeJS.Timeout;
  /** The run that a `kill`/`destroy` from outside ended: its exit is no crash of the app's. */
  private killedRun = -1;
  /** Exits being diagnosed and events waiting to be reconciled. */
  private inFlight = 0;

  constructor(
    private readonly inst: Instance,
    private readonly docker: Engine,
    private readonly s: Supervision,
  ) {}

  /** Something is about to change: an exit being handled, a repair scheduled, events not yet reconciled. */
  get busy(): boolean {
    return !this.stopped && (this.inFlight > 0 || this.timers.size > 0 || this.settle !== undefined);
  }

  /** Follows the current run: its exit, its liveness. Called after each start. */
  watch(): void {
    if (this.stopped) return;
    this.watching = true;
    const run = this.inst.run;
    void this.inst.exited.then((code) => this.onExit(run, code));
    this.startLiveness(run);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    clearTimeout(this.livenessTimer);
    clearTimeout(this.settle);
  }

  /** `rehearse restart`: in the queue, SIGTERM and the component's grace, start, wait live. */
  restart(): Promise<void> {
    return this.s.queue
      .run(`restart ${this.inst.name}`, (signal) => this.cycle(signal, this.inst.component.graceSeconds))
      .catch((err: unknown) => {
        // The caller hears why; supervision goes on trying, as after any failed start.
        if (!this.stopped && !this.s.queue.isClosed && this.inst.state !== 'live') this.backoff(this.inst.run);
        throw err;
      });
  }

  engineEvent(action: string): void {
    if (this.stopped || !this.watching) return; // a job's run, or an instance not yet live: the deploy owns it
    if (action === 'kill' || action === 'destroy') this.killedRun = this.inst.run;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      void this.reconcile(this.inst.run);
    }, SETTLE_MS);
  }

  private later(ms: number, fn: () => void) {
    const t = setTimeout(() => (this.timers.delete(t), fn()), ms);
    this.timers.add(t);
  }

  private async onExit(run: number, code: number) {
    if (this.stopped || this.inst.run !== run) return;
    this.inFlight++;
    try {
      await this.handleExit(run, code);
    } finally {
      this.inFlight--;
    }
  }

  private async handleExit(run: number, code: number) {
    // The engine's `kill` event may trail the exit by a few milliseconds.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    if (this.stopped || this.inst.run !== run) return;
    const outside = this.killedRun === run;
    const d =
      (await this.inst.diagnoseEnd(code)) ??
      this.inst.record(this.diagnosis(`${this.inst.name}'s container was removed outside rehearse`, code));
    if (this.stopped || this.inst.run !== run) return;
    const summary = outside
      ? `${d.summary} It was stopped from outside rehearse (docker kill, stop or rm -f): replaced at once.`
      : d.summary;
    this.inst.setState('crashed');
    this.inst.events.crash?.({ ...d, summary });
    const ran = d.ranSeconds * 1000;
    if (ran > STABLE_MS) this.backoffMs = 1000;
    if (outside) this.schedule(run, 0);
    else this.backoff(run);
  }

  private backoff(run: number) {
    this.schedule(run, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
  }

  private schedule(run: number, ms: number) {
    if (this.stopped || this.scheduledFor === run) return;
    this.scheduledFor = run;
    this.later(ms, () => void this.repair(run));
  }

  /** Restarts the instance, unless a change since `run` already did; a repair that fails is tried again later. */
  private repair(run: number): Promise<void> {
    return this.s.queue
      .run(`repair ${this.inst.name}`, async (signal) => {
        if (this.stopped || this.inst.run !== run) return;
        await this.cycle(signal, 0); // it is dead or hung: nothing to drain
      })
      .catch(() => {
        // The engine refused (a name still held by a container being removed, a busy daemon), or the new run
        // failed: never give up while the app runs.
        if (!this.stopped && !this.s.queue.isClosed && this.inst.state !== 'live') this.backoff(this.inst.run);
      });
  }

  /** Stop (when running), a fresh container, start, wait live. Runs inside the queue. */
  private async cycle(signal: AbortSignal, graceSeconds: number): Promise<void> {
    this.inst.run++; // the exit this causes is not a crash
    clearTimeout(this.livenessTimer);
    this.inst.restarts++;
    this.inst.setState('starting');
    const container = this.docker.getContainer(this.inst.containerId);
    const info = await container.inspect().catch(() => undefined);
    if (info?.State.Paused) await container.unpause().catch(() => undefined);
    if (info?.State.Running) await container.stop({ t: graceSeconds }).catch(() => undefined);
    if (signal.aborted || this.stopped) return; // the app is stopping: nothing new to create
    // A fresh container (and disk) for every run, as the platform restarts an instance; it is on the network.
    await this.inst.renew((restarts, lastCrash) => this.s.create(restarts, lastCrash));
    if (signal.aborted || this.stopped) return;
    await this.inst.start();
    this.watch();
    try {
      await this.inst.waitLive(signal);
    } catch (err) {
      if (signal.aborted || this.stopped) return;
      // Running but never healthy (an exit is the exit watch's): out of the router, and tried again later.
      if (this.inst.state === 'starting') this.inst.setState('unhealthy', (err as Error).message);
      throw err;
    }
    await this.s.repaired(this.inst).catch(() => undefined);
  }

  /** What the engine says now, against what the instance should be; repairs what differs. */
  private reconcile(run: number): Promise<void> {
    return this.s.queue
      .run(`reconcile ${this.inst.name}`, async (signal) => {
        if (this.stopped || this.inst.run !== run) return; // a change since then has reconciled it
        if (this.inst.state === 'starting' || this.inst.state === 'crashed') return; // a repair is under way
        const info = await this.docker
          .getContainer(this.inst.containerId)
          .inspect()
          .catch(() => undefined);
        if (!info || !info.State.Running) return; // its exit watch replaces it
        if (info.State.Paused) {
          if (this.inst.state === 'live') this.inst.setState('unhealthy', this.pausedProblem());
          return;
        }
        let moved = false;
        if (!info.NetworkSettings.Networks[this.s.network]) {
          await this.connect();
          this.inst.events.notice?.(
            this.inst.component.name,
            `${this.inst.name} was disconnected from the app network outside rehearse: connected again`,
          );
          moved = true;
        }
        moved = (await this.inst.refreshUrl().catch(() => false)) || moved;
        if (this.inst.state === 'unhealthy' || moved) {
          this.inst.setState('starting');
          await this.inst.waitLive(signal);
          this.startLiveness(run); // failures counted before the repair no longer count
          await this.s.repaired(this.inst).catch(() => undefined);
        }
      })
      .catch(() => undefined);
  }

  private async connect() {
    await this.docker
      .getNetwork(this.s.network)
      .connect({ Container: this.inst.containerId, EndpointConfig: { Aliases: this.s.aliases } })
      .catch(() => undefined); // already connected again (by whoever disconnected it)
  }

  private pausedProblem(): string {
    const h = this.inst.component.liveness;
    return `${this.inst.name} is paused (docker pause) and answers nothing; ${
      h
        ? `its liveness check restarts it after ${h.failureThreshold} failed checks, ${h.periodSeconds} s apart`
        : 'no liveness check restarts it on this platform'
    }`;
  }

  /** The platform's liveness check on the current run: failing it `failureThreshold` times in a row restarts it. */
  private startLiveness(run: number) {
    const h = this.inst.component.liveness;
    // TCP reads the container's own sockets (a worker has no published port); HTTP needs the published one.
    if (!h || (h.kind === 'http' && !this.inst.url)) return;
    const probe = probeFor(h);
    let failures = 0;
    const tick = async () => {
      if (this.stopped || this.inst.run !== run) return;
      if (this.inst.state === 'live' || this.inst.state === 'unhealthy') {
        const target = {
          docker: this.docker,
          containerId: this.inst.containerId,
          component: this.inst.name,
          url: this.inst.url ?? '',
        };
        const ok = await probe.check(target, h.timeoutSeconds * 1000).catch(() => false);
        if (this.stopped || this.inst.run !== run) return;
        failures = ok ? 0 : failures + 1;
        if (failures >= h.failureThreshold) {
          const d = this.inst.record(
            this.diagnosis(
              `${this.inst.name} failed its liveness check (${probe.describe()}) ${failures} times in a row, ${h.periodSeconds} s apart: restarted, as the platform restarts it. Find what hangs it (a deadlock, a blocked event loop, a paused container).`,
              -1,
            ),
          );
          this.inst.setState('unhealthy', d.summary);
          this.inst.events.crash?.(d);
          return this.schedule(run, 0);
        }
      }
      this.livenessTimer = setTimeout(() => void tick(), h.periodSeconds * 1000);
    };
    clearTimeout(this.livenessTimer);
    this.livenessTimer = setTimeout(() => void tick(), (h.initialDelaySeconds || h.periodSeconds) * 1000);
  }

  private diagnosis(summary: string, exitCode: number): Diagnosis {
    return {
      component: this.inst.component.name,
      instance: this.inst.name,
      summary,
      exitCode,
      oomKilled: false,
      ranSeconds: 0,
      endedAt: new Date().toISOString(),
      logTail: this.inst.tail.last(30),
    };
  }
}
