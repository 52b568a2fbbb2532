/**
 * Drives one app on the engine: build every component, run PRE_DEPLOY jobs, start instances under the profile's
 * constraints on the app's own network, wait until each is live. Every object carries the app's labels.
 */
import os from 'node:os';
import type { Profile } from '../profile/profile.js';
import { RehearseError } from '../shared/errors.js';
import { LABEL } from '../shared/labels.js';
import type { AppModel, ComponentModel } from '../spec/model.js';
import { buildComponent } from './build.js';
import { reapOrphans, removeApp, stopApp } from './cleanup.js';
import { containerOptions } from './container-config.js';
import type { Engine } from './engine.js';
import { followLogs, LogTail, masker } from './logs.js';
import { waitUntilLive } from './readiness.js';

export interface Instance {
  component: string;
  index: number;
  containerId: string;
  /** http://127.0.0.1:<port>, the router's way in; undefined for workers. */
  url?: string;
  tail: LogTail;
  exited: Promise<number>;
}

export interface RuntimeEvents {
  buildLine?(component: string, line: string): void;
  log?(instance: string, line: string, stream: 'stdout' | 'stderr'): void;
}

export class AppRuntime {
  readonly network: string;
  private readonly images = new Map<string, string>();
  private readonly instances: Instance[] = [];
  private readonly mask: (s: string) => string;

  constructor(
    readonly docker: Engine,
    readonly model: AppModel,
    readonly profile: Profile,
    readonly appId: string,
    readonly session: string,
    private readonly events: RuntimeEvents = {},
  ) {
    this.network = `rehearse-${appId}`;
    this.mask = masker(model.components.flatMap((c) => c.env.filter((e) => e.secret).map((e) => e.value)));
  }

  /** Removes what a dead session of this app left; refuses to run twice at once. */
  async prepare(): Promise<void> {
    await reapOrphans(this.docker, this.appId);
    const live = await this.docker.listContainers({ filters: { label: [`${LABEL.app}=${this.appId}`] } });
    if (live.length)
      throw new RehearseError('USAGE', `app "${this.model.name}" is already running from another rehearse process`, {
        hint: 'stop it with "rehearse down", or use another app name',
      });
    await this.docker.createNetwork({
      Name: this.network,
      Driver: 'bridge',
      Labels: { [LABEL.app]: this.appId, [LABEL.session]: this.session },
    });
  }

  /** Builds all components, as many at once as there are cores. */
  async build(): Promise<void> {
    const queue = this.model.components.filter((c) => c.kind !== 'static_site');
    const workers = Array.from({ length: Math.max(1, Math.min(os.cpus().length, queue.length)) }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const comp = c;
        const { image } = await buildComponent(this.docker, comp, {
          appId: this.appId,
          timeoutSeconds: this.profile.build.timeout_seconds,
          onLine: (l) => this.events.buildLine?.(comp.name, this.mask(l)),
        });
        this.images.set(comp.name, image);
      }
    });
    await Promise.all(workers);
  }

  async runJobs(kind: 'PRE_DEPLOY' | 'POST_DEPLOY' | 'FAILED_DEPLOY'): Promise<void> {
    for (const job of this.model.components.filter((c) => c.kind === 'job' && c.jobKind === kind)) {
      const inst = await this.startInstance(job, 1);
      const code = await inst.exited;
      if (code !== 0)
        throw new RehearseError('JOB_FAILED', `${kind} job "${job.name}" exited with code ${code}`, {
          details: inst.tail.last(30).join('\n'),
          hint:
            kind === 'PRE_DEPLOY'
              ? 'the deploy stops here, as in production; fix the job and run up again'
              : 'see the job output above',
        });
    }
  }

  /** Starts every instance of services and workers and waits until services are live. */
  async startServices(signal?: AbortSignal): Promise<void> {
    const runnable = this.model.components.filter((c) => c.kind === 'service' || c.kind === 'worker');
    const started: Promise<void>[] = [];
    for (const c of runnable) {
      for (let i = 1; i <= c.instanceCount; i++) {
        const inst = await this.startInstance(c, i);
        if (c.kind === 'service' && c.health && inst.url)
          started.push(
            waitUntilLive(
              { docker: this.docker, containerId: inst.containerId, component: `${c.name}-${i}`, url: inst.url },
              {
                health: c.health,
                exited: inst.exited,
                logTail: () => inst.tail.last(30),
                ...(signal ? { signal } : {}),
              },
            ),
          );
      }
    }
    await Promise.all(started);
  }

  async startInstance(c: ComponentModel, index: number): Promise<Instance> {
    const image = this.images.get(c.name) ?? (c.build.kind === 'image' ? c.build.image : undefined);
    if (!image) throw new RehearseError('BUILD_FAILED', `no image for "${c.name}"`, { hint: 'build it first' });
    const container = await this.docker.createContainer(
      containerOptions(c, this.profile, {
        appId: this.appId,
        session: this.session,
        network: this.network,
        image,
        index,
      }),
    );
    const tail = new LogTail();
    const name = `${c.name}-${index}`;
    await followLogs(this.docker, container.id, (line, stream) => {
      const masked = this.mask(line);
      tail.push(masked);
      this.events.log?.(name, masked, stream);
    });
    const exited = container.wait({ condition: 'next-exit' }).then(
      (r: { StatusCode: number }) => r.StatusCode,
      () => -1,
    );
    await container.start();
    let url: string | undefined;
    if (c.httpPort !== undefined) {
      const info = await container.inspect();
      const port = info.NetworkSettings.Ports[`${c.httpPort}/tcp`]?.[0]?.HostPort;
      if (port) url = `http://127.0.0.1:${port}`;
    }
    const inst: Instance = {
      component: c.name,
      index,
      containerId: container.id,
      tail,
      exited,
      ...(url ? { url } : {}),
    };
    this.instances.push(inst);
    return inst;
  }

  instancesOf(component: string): Instance[] {
    return this.instances.filter((i) => i.component === component);
  }

  /** SIGTERM, the grace period, SIGKILL, then every labelled object removed. */
  async stop(graceSeconds?: number): Promise<void> {
    await stopApp(this.docker, this.appId, graceSeconds);
  }

  async remove(): Promise<void> {
    await removeApp(this.docker, this.appId);
  }
}
