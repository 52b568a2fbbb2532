/**
 * One running instance of a component: its container (a fresh one, with a fresh disk, at every restart, as the
 * platform restarts an instance; also when the old one was removed outside rehearse), its logs, its disk, its
 * state as the router sees it. Its Supervisor (supervisor.ts) owns the lifecycle after the first start: crashes,
 * engine events, liveness, restarts, all through the app's change queue.
 */
import type { Profile } from '../profile/profile.js';
import { RehearseError } from '../shared/errors.js';
import type { ComponentModel } from '../spec/model.js';
import { diagnose, noticeFor, type Diagnosis } from './diagnose.js';
import { diskFullSummary, watchDisk, type DiskWatch } from './disk-watch.js';
import type { Engine } from './engine.js';
import { foreignArchSummary } from './diagnoses/foreign-arch.js';
import { watchSilence } from './diagnoses/python-buffered.js';
import { startFailure } from './diagnoses/start-failure.js';
import { followLogs, LogTail } from './logs.js';
import { waitUntilLive } from './readiness.js';
import { Supervisor, type Supervision } from './supervisor.js';

/** `unhealthy`: running but out of the router (paused, failing its liveness check); `problem` says why. */
export type InstanceState = 'starting' | 'live' | 'crashed' | 'unhealthy' | 'stopped';

export interface InstanceEvents {
  log?(instance: string, line: string, stream: 'stdout' | 'stderr'): void;
  state?(inst: Instance): void;
  crash?(d: Diagnosis): void;
  notice?(component: string, message: string): void;
  /** An error rehearse tolerated (a probe that could not run, a read that failed), for --verbose. */
  trace?(message: string): void;
}

export class Instance {
  readonly name: string;
  state: InstanceState = 'starting';
  restarts = 0;
  lastDiagnosis?: Diagnosis;
  /** Every crash of this instance, oldest first. */
  readonly history: Diagnosis[] = [];
  url?: string;
  readonly tail = new LogTail();
  /** Resolves with the exit code of the current run. */
  exited: Promise<number> = Promise.resolve(0);
  /** Why an `unhealthy` instance is out of the router. */
  problem?: string;
  /** Counts starts (and planned stops): an exit or event of an older run is never taken for the current one's. */
  run = 0;
  private noticed = false;
  private id: string;
  private readonly supervisor?: Supervisor;
  private disk?: DiskWatch;
  /** Why rehearse itself ended the current run (its disk filled), for that run's diagnosis. */
  private replacedFor?: string;
  /** Lines of output seen, and the watch for a silent Python process (catalog class 1). */
  private lines = 0;
  private served = 0;
  private firstServed = 0;
  private silence?: () => void;

  constructor(
    private readonly docker: Engine,
    readonly component: ComponentModel,
    readonly index: number,
    containerId: string,
    private readonly profile: Profile,
    readonly events: InstanceEvents,
    private readonly mask: (s: string) => string,
    supervision?: Supervision,
  ) {
    this.name = `${component.name}-${index}`;
    this.id = containerId;
    if (supervision) this.supervisor = new Supervisor(this, docker, supervision);
  }

  /** The current container: a new one after the old one was removed outside rehearse. */
  get containerId(): string {
    return this.id;
  }

  /**
   * A fresh container (and disk) for the next run, from the same options: the old one, stopped by the caller
   * or already gone, is removed first (it holds the name). Its labels carry the crash loop, for `ps`.
   */
  async renew(create: (restarts: number, lastCrash?: string) => Promise<string>): Promise<void> {
    this.disk?.stop();
    this.replacedFor = undefined;
    await this.docker
      .getContainer(this.id)
      .remove({ force: true })
      .catch((err: Error) => this.events.trace?.(`removing ${this.name}'s old container: ${err.message}`));
    this.id = await create(this.restarts, this.lastDiagnosis?.summary);
  }

  /** Reads the published port again (it moves when the container is reconnected); true when it changed. */
  async refreshUrl(): Promise<boolean> {
    if (this.component.httpPort === undefined) return false;
    const info = await this.docker.getContainer(this.id).inspect();
    const published = info.NetworkSettings.Ports[`${this.component.httpPort}/tcp`]?.[0]?.HostPort;
    const url = published ? `http://127.0.0.1:${published}` : undefined;
    if (url === this.url) return false;
    if (url) this.url = url;
    else delete this.url;
    return true;
  }

  /** Starts the container (again), following its output from this start on. */
  async start(): Promise<void> {
    this.run++;
    const container = this.docker.getContainer(this.containerId);
    const since = Math.floor(Date.now() / 1000);
    this.exited = container.wait({ condition: 'next-exit' }).then(
      (r: { StatusCode: number }) => r.StatusCode,
      () => -1,
    );
    // A command that cannot be executed fails the start itself: named, not the engine's HTTP 400.
    await container.start().catch(async (err: unknown) => {
      throw await startFailure(err, container, this.component, this.name);
    });
    // Following the output and reading the published port are independent round trips: both at once.
    const logs = followLogs(this.docker, this.containerId, since, (line, stream) => {
      const masked = this.mask(line);
      this.lines++;
      this.tail.push(masked);
      this.events.log?.(this.name, masked, stream);
      if (!this.noticed) {
        const n = noticeFor(this.name, masked);
        if (n) {
          this.noticed = true; // once per instance: a notice, not a flood
          this.events.notice?.(this.component.name, n);
        }
      }
    });
    // Both awaited together: a failure of one never leaves the other's rejection unheard.
    await Promise.all([logs, this.refreshUrl()]);
    this.watchDisk();
  }

  /** Ephemeral disk: replaced when full, as production does. */
  private watchDisk() {
    this.disk?.stop();
    const fs = this.profile.filesystem;
    if (fs.mode !== 'ephemeral') return;
    const id = this.containerId;
    this.disk = watchDisk(
      this.docker,
      id,
      fs.ephemeral_limit_mib,
      (used) => {
        this.replacedFor = diskFullSummary(this.name, used, fs.ephemeral_limit_mib);
        void this.docker
          .getContainer(id)
          .kill()
          .catch((err: Error) => this.events.trace?.(`replacing ${this.name}: ${err.message}`));
      },
      (m) => this.events.trace?.(m),
    );
  }

  /** The edge relayed a request to this instance (its answer is in the access log). */
  sawRequest() {
    this.served++;
    this.firstServed ||= Date.now();
  }

  setState(state: InstanceState, problem?: string) {
    this.state = state;
    if (problem) this.problem = problem;
    else delete this.problem;
    this.events.state?.(this);
  }

  /** Waits until the instance passes its health check (services) or is merely running (workers). */
  async waitLive(signal?: AbortSignal): Promise<void> {
    const health = this.component.health;
    if (health && !this.url && this.component.httpPort !== undefined) {
      // No published port: the container had already exited when it was inspected (an exec that fails at once).
      const code = await this.exited;
      throw new RehearseError('HEALTH_FAILED', await this.explainExit(code), {
        details: this.tail.last(30).join('\n'),
        hint: 'its last log lines, in the details, show why it stopped',
      });
    }
    if (health && this.url) {
      await waitUntilLive(
        {
          docker: this.docker,
          containerId: this.containerId,
          component: this.name,
          url: this.url,
          trace: (m) => this.events.trace?.(m),
        },
        {
          health,
          exited: this.exited,
          logTail: () => this.tail.last(30),
          explainExit: (code) => this.explainExit(code),
          ...(signal ? { signal } : {}),
        },
      );
    }
    this.setState('live');
    if (!this.noticed && this.lines === 0 && !this.silence)
      this.silence = watchSilence(
        this.docker,
        this.containerId,
        this.name,
        () => ({ lines: this.lines, served: this.served, firstServed: this.firstServed }),
        (m) => {
          if (this.noticed || this.state === 'stopped') return;
          this.noticed = true;
          this.events.notice?.(this.component.name, m);
        },
      );
  }

  /** The diagnosis of a run that ended, from the engine's record and the last log lines; kept in history. */
  async diagnoseEnd(code: number): Promise<Diagnosis | undefined> {
    const info = await this.docker
      .getContainer(this.containerId)
      .inspect()
      .catch(() => undefined);
    if (!info) return undefined;
    const end = {
      exitCode: code,
      oomKilled: info.State.OOMKilled,
      startedAt: info.State.StartedAt,
      finishedAt: info.State.FinishedAt,
    };
    const d = diagnose(this.component, this.name, end, this.tail.last(30), this.profile);
    // A program built for another CPU: the engine's file says which (catalog class 8).
    d.summary = (await foreignArchSummary(this.docker, this.containerId, this.name, d.logTail)) ?? d.summary;
    if (this.replacedFor) d.summary = this.replacedFor;
    this.lastDiagnosis = d;
    this.history.push(d);
    return d;
  }

  /** A one-line diagnosis for an instance that exited before it became live. */
  async explainExit(code: number): Promise<string> {
    await new Promise((r) => setTimeout(r, 100)); // the last lines may still be in flight
    const d = await this.diagnoseEnd(code);
    return d ? `${d.summary} It never became live` : `${this.name} exited with code ${code} before it became live`;
  }

  /** A diagnosis the engine could not give (the container is gone), kept in history like any other. */
  record(d: Diagnosis): Diagnosis {
    this.lastDiagnosis = d;
    this.history.push(d);
    return d;
  }

  /** From now on the supervisor owns this instance: crashes, engine events, liveness. */
  supervise(): void {
    this.supervisor?.watch();
  }

  /** Stops supervising; the container itself is stopped by the runtime. */
  stop() {
    this.supervisor?.stop();
    this.disk?.stop();
    this.silence?.();
    this.setState('stopped');
  }

  /**
   * Live restart on request (`rehearse restart`): SIGTERM, grace, a fresh container, wait live; queued behind
   * the app's other changes. Only a supervised instance (every service and worker) can be restarted.
   */
  async restart(): Promise<void> {
    if (!this.supervisor) throw new Error(`${this.name} is not supervised`);
    return this.supervisor.restart();
  }

  /** The supervisor has a repair pending or an event to reconcile. */
  get busy(): boolean {
    return this.supervisor?.busy ?? false;
  }

  /** An engine event about this instance's container (die, kill, pause, destroy, network disconnect...). */
  engineEvent(action: string): void {
    this.supervisor?.engineEvent(action);
  }
}
