/**
 * One running instance of a component: its container, its logs, its state as the router sees it, and its
 * supervision. A crash produces one diagnosis and a restart after a backoff (1 s, doubling to 30 s, reset once
 * an instance has run a minute), the way the platform restarts a crashed container.
 */
import type { Profile } from '../profile/profile.js';
import { RehearseError } from '../shared/errors.js';
import type { ComponentModel } from '../spec/model.js';
import { diagnose, noticeFor, type Diagnosis } from './diagnose.js';
import { diskFullSummary, watchDisk, type DiskWatch } from './disk-watch.js';
import type { Engine } from './engine.js';
import { foreignArchSummary } from './diagnoses/foreign-arch.js';
import { watchSilence } from './diagnoses/python-buffered.js';
import { followLogs, LogTail } from './logs.js';
import { waitUntilLive } from './readiness.js';

export type InstanceState = 'starting' | 'live' | 'crashed' | 'stopped';

export interface InstanceEvents {
  log?(instance: string, line: string, stream: 'stdout' | 'stderr'): void;
  state?(inst: Instance): void;
  crash?(d: Diagnosis): void;
  notice?(component: string, message: string): void;
  /** An error rehearse tolerated (a probe that could not run, a read that failed), for --verbose. */
  trace?(message: string): void;
}

const BACKOFF_MAX_MS = 30_000;
const STABLE_MS = 60_000;

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
  private stopping = false;
  private noticed = false;
  private backoffMs = 1000;
  private timer?: NodeJS.Timeout;
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
    public containerId: string,
    private readonly profile: Profile,
    private readonly events: InstanceEvents,
    private readonly mask: (s: string) => string,
    /** A new container in place of the given one: production replaces a crashed instance with a fresh disk. */
    private readonly recreate?: (old: string, restarts: number, lastCrash?: string) => Promise<string>,
  ) {
    this.name = `${component.name}-${index}`;
  }

  /** Starts the container (again), following its output from this start on. */
  async start(): Promise<void> {
    const container = this.docker.getContainer(this.containerId);
    const since = Math.floor(Date.now() / 1000);
    this.exited = container.wait({ condition: 'next-exit' }).then(
      (r: { StatusCode: number }) => r.StatusCode,
      () => -1,
    );
    await container.start();
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
    const port = async () => {
      if (this.component.httpPort === undefined) return;
      const info = await container.inspect();
      const published = info.NetworkSettings.Ports[`${this.component.httpPort}/tcp`]?.[0]?.HostPort;
      if (published) this.url = `http://127.0.0.1:${published}`;
    };
    // Both awaited together: a failure of one never leaves the other's rejection unheard.
    await Promise.all([logs, port()]);
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

  /** A fresh container (and disk) for the next run, when the runtime can make one. */
  private async renew() {
    this.disk?.stop();
    this.replacedFor = undefined;
    if (this.recreate)
      this.containerId = await this.recreate(this.containerId, this.restarts, this.lastDiagnosis?.summary);
  }

  /** The edge relayed a request to this instance (its answer is in the access log). */
  sawRequest() {
    this.served++;
    this.firstServed ||= Date.now();
  }

  setState(state: InstanceState) {
    this.state = state;
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
          if (this.noticed || this.stopping) return;
          this.noticed = true;
          this.events.notice?.(this.component.name, m);
        },
      );
  }

  /** The diagnosis of a run that ended, from the engine's record and the last log lines; kept in history. */
  private async diagnoseEnd(code: number): Promise<Diagnosis | undefined> {
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

  /** Restarts the instance each time it crashes, until stop(). */
  supervise(): void {
    void this.exited.then(async (code) => {
      if (this.stopping) return;
      const d = await this.diagnoseEnd(code);
      if (!d || this.stopping) return;
      this.setState('crashed');
      this.events.crash?.(d);
      const ran = d.ranSeconds * 1000;
      this.backoffMs = ran > STABLE_MS ? 1000 : this.backoffMs;
      const wait = this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
      this.timer = setTimeout(() => void this.restartAfterCrash(), wait);
    });
  }

  private async restartAfterCrash() {
    if (this.stopping) return;
    this.restarts++;
    this.setState('starting');
    try {
      await this.renew();
      await this.start();
      this.supervise();
      await this.waitLive();
    } catch {
      // A failed restart is just another crash: supervise() has already scheduled the next attempt.
    }
  }

  /** Stops supervising; the container itself is stopped by the runtime. */
  stop() {
    this.stopping = true;
    this.disk?.stop();
    if (this.timer) clearTimeout(this.timer);
    this.silence?.();
    this.setState('stopped');
  }

  /** Live restart on request (`rehearse restart`): SIGTERM, grace, start, wait live. */
  async restart(): Promise<void> {
    this.stopping = true;
    this.setState('starting');
    await this.docker
      .getContainer(this.containerId)
      .stop({ t: this.component.graceSeconds })
      .catch(() => undefined);
    this.stopping = false;
    await this.renew();
    await this.start();
    this.supervise();
    await this.waitLive();
  }
}
