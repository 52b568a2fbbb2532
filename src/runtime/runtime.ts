/**
 * Drives one app on the engine: build every component, run PRE_DEPLOY jobs, start instances under the profile's
 * constraints on the app's own network, wait until each is live, isolate replicas, supervise, schedule jobs.
 * Every object carries the app's labels, so cleanup is a sweep by label.
 */
import os from 'node:os';
import type { Profile } from '../profile/profile.js';
import { RehearseError } from '../shared/errors.js';
import { appLabels, LABEL } from '../shared/labels.js';
import type { AppModel, ComponentModel, JobKind } from '../spec/model.js';
import { buildComponent } from './build.js';
import { ChangeQueue } from './change-queue.js';
import { bakedSecrets } from './diagnoses/baked-secrets.js';
import { DuplicateJobs } from './diagnoses/duplicate-jobs.js';
import { reapOrphans, removeApp, stopApp } from './cleanup.js';
import { containerOptions } from './container-config.js';
import { DatabaseServers } from './databases/servers.js';
import type { Diagnosis } from './diagnose.js';
import type { Engine } from './engine.js';
import { superviseByEvents } from './engine-events.js';
import { Instance } from './instance.js';
import { isolateSiblings } from './isolation.js';
import { jobFailure, runJob, Scheduler, type JobRun } from './jobs.js';
import { masker } from './logs.js';
import { execFormFix } from '../spec/lints/shell-form-cmd.js';

export interface RuntimeEvents {
  buildLine?(component: string, line: string): void;
  log?(instance: string, line: string, stream: 'stdout' | 'stderr'): void;
  state?(inst: Instance): void;
  crash?(d: Diagnosis): void;
  job?(run: JobRun & { kind: JobKind }): void;
  notice?(component: string, message: string): void;
  trace?(message: string): void;
}

export class AppRuntime {
  readonly network: string;
  /** The spec's databases, started by startDatabases() before any job or instance. */
  readonly databases: DatabaseServers;
  private readonly images = new Map<string, string>();
  private readonly instances: Instance[] = [];
  private readonly mask: (s: string) => string;
  private readonly events: RuntimeEvents;
  private readonly generations = new Map<string, number>();
  private scheduler?: Scheduler;
  private runs = 0;
  /** Rollouts, restarts, repairs and the stop, one at a time (change-queue.ts). */
  readonly changes = new ChangeQueue();
  private unfollow?: () => void;

  constructor(
    readonly docker: Engine,
    readonly model: AppModel,
    readonly profile: Profile,
    readonly appId: string,
    readonly project: string,
    readonly session: string,
    events: RuntimeEvents = {},
  ) {
    this.network = `rehearse-${appId}`;
    this.databases = new DatabaseServers(docker, model, profile, { appId, project, session, network: this.network });
    // A restarted container gets a fresh network namespace: its supervisor sets replica isolation again.
    const jobs = new DuplicateJobs((component, message) => this.events.notice?.(component, message));
    this.events = {
      ...events,
      log: (instance, line, stream) => {
        events.log?.(instance, line, stream);
        const c = this.instances.find((i) => i.name === instance)?.component;
        if (c?.kind === 'service' || c?.kind === 'worker') jobs.line(c.name, instance, line);
      },
    };
    this.mask = masker([
      ...model.components.flatMap((c) => [...c.env, ...c.buildEnv].filter((e) => e.secret).map((e) => e.value)),
      ...model.databases.flatMap((d) => (d.password ? [d.password] : [])),
    ]);
  }

  /** Removes what dead sessions of this project left (the third cleanup layer), then creates the app network. */
  async prepare(): Promise<void> {
    // The sweep only removes apps whose process is gone: this app's new network is never one of them.
    await Promise.all([
      reapOrphans(this.docker, this.project),
      this.docker.createNetwork({
        Name: this.network,
        Driver: 'bridge',
        Labels: {
          ...appLabels(this.appId),
          [LABEL.project]: this.project,
          [LABEL.session]: this.session,
          [LABEL.pid]: String(process.pid),
        },
      }),
    ]);
  }

  /** Builds all components, as many at once as there are cores. */
  async build(): Promise<void> {
    const queue = this.model.components.filter((c) => c.kind !== 'static_site');
    const lanes = Math.max(1, Math.min(os.cpus().length, queue.length));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) await this.buildOne(c);
      }),
    );
  }

  /** One component's image, built with the profile's timeout, its output streamed and secrets masked. */
  private async buildOne(c: ComponentModel): Promise<void> {
    const { image, notes } = await buildComponent(this.docker, c, {
      appId: this.appId,
      project: { name: this.model.name, id: this.project },
      timeoutSeconds: this.profile.build.timeout_seconds,
      onLine: (l) => this.events.buildLine?.(c.name, this.mask(l)),
      mask: this.mask,
      onNotice: (m) => this.events.notice?.(c.name, m),
    });
    this.images.set(c.name, image);
    // A buildpack stand-in build is a difference from production: the parity report lists it, once.
    for (const n of notes ?? []) if (!this.model.notEmulated.includes(n)) this.model.notEmulated.push(n);
    for (const n of await bakedSecrets(this.docker, image, c)) this.events.notice?.(c.name, n);
  }

  /** Runs every job of a kind, one after another; PRE_DEPLOY and POST_DEPLOY failures throw. */
  async runJobs(kind: 'PRE_DEPLOY' | 'POST_DEPLOY' | 'FAILED_DEPLOY'): Promise<void> {
    for (const job of this.model.components.filter((c) => c.kind === 'job' && c.jobKind === kind)) {
      const run = await this.runOnce(job);
      this.events.job?.({ ...run, kind });
      if (run.code !== 0 && kind !== 'FAILED_DEPLOY')
        throw jobFailure(kind, run, this.profile.jobs.timeout_seconds, this.model);
    }
  }

  private async runOnce(job: ComponentModel): Promise<JobRun> {
    // This run's own index: other runs (another SCHEDULED job) move the counter while this one awaits.
    const index = ++this.runs;
    const run = await runJob(
      job,
      (c, i) => this.createAndStart(c, i),
      index,
      this.profile.jobs.timeout_seconds,
      (i) =>
        this.docker
          .getContainer(i.containerId)
          .kill()
          .then(
            () => undefined,
            () => undefined,
          ),
    );
    const done = this.instances.findIndex((i) => i.component.name === job.name && i.index === index);
    if (done >= 0) {
      const [inst] = this.instances.splice(done, 1);
      await this.docker
        .getContainer(inst!.containerId)
        .remove({ force: true })
        .catch(() => undefined);
    }
    return run;
  }

  /** SCHEDULED jobs on their cron while the app runs. */
  async startScheduler(): Promise<void> {
    const scheduled = this.model.components.filter((c) => c.kind === 'job' && c.jobKind === 'SCHEDULED');
    if (scheduled.length)
      this.scheduler = await Scheduler.start(
        scheduled,
        async (job) => this.events.job?.({ ...(await this.runOnce(job)), kind: 'SCHEDULED' }),
        (job, err) =>
          this.events.notice?.(job.name, `a SCHEDULED run of ${job.name} failed to run: ${(err as Error).message}`),
      );
  }

  /** Starts every instance of services and workers, waits until all are live, then isolates replicas. */
  async startServices(signal?: AbortSignal): Promise<void> {
    // What the engine reports on the app's objects goes to the supervisor of the instance concerned.
    this.unfollow ??= await superviseByEvents(
      this.docker,
      { appId: this.appId, network: this.network },
      () => this.instances,
      (err) =>
        this.events.notice?.(
          'rehearse',
          `the engine's event stream failed (${err.message}): supervision falls back to exits and liveness checks`,
        ),
    );
    const runnable = this.model.components.filter((c) => c.kind === 'service' || c.kind === 'worker');
    // All at once, as the platform starts a deploy's instances; every creation is awaited before a failure is
    // thrown, so none is left running behind the cleanup.
    const made = await Promise.allSettled(
      runnable.flatMap((c) => Array.from({ length: c.instanceCount }, (_, k) => this.createAndStart(c, k + 1))),
    );
    const order = (i: Instance) => runnable.indexOf(i.component) * 10_000 + i.index;
    this.instances.sort((a, b) => order(a) - order(b));
    const failed = made.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    await Promise.all(
      made.map((r) => {
        const inst = (r as PromiseFulfilledResult<Instance>).value;
        return inst.waitLive(signal).then(() => inst.supervise());
      }),
    );
    for (const c of runnable) await this.isolate(c);
  }

  private async isolate(c: ComponentModel) {
    if (c.instanceCount < 2 || this.profile.network.instances_reach_each_other) return;
    await isolateSiblings(
      this.docker,
      this.network,
      this.instancesOf(c.name).map((i) => i.containerId),
      this.appId,
    );
  }

  /**
   * A rolling deploy of one component: build, then for each instance start a new container, wait until it is
   * live (the router adds it), then retire the old one (the router drops it, then SIGTERM and grace). A failed
   * build or a new instance that never gets live leaves the old ones serving.
   */
  async replace(c: ComponentModel): Promise<void> {
    await this.buildOne(c);
    // The build runs beside other changes; the rollout itself waits its turn.
    await this.changes.run(`rollout ${c.name}`, () => this.rollout(c));
  }

  private async rollout(c: ComponentModel): Promise<void> {
    const olds = this.instancesOf(c.name);
    const generation = (this.generations.get(c.name) ?? 0) + 1;
    this.generations.set(c.name, generation);
    for (let i = 1; i <= c.instanceCount; i++) {
      const fresh = await this.createAndStart(c, i, generation);
      try {
        await fresh.waitLive();
      } catch (err) {
        await this.retire(fresh, 0);
        throw err;
      }
      fresh.supervise();
      const old = olds.find((o) => o.index === i);
      if (old) await this.retire(old, c.drainSeconds > 0 ? Math.min(c.graceSeconds, 30) : 0);
    }
    for (const old of olds.filter((o) => o.index > c.instanceCount)) await this.retire(old, 10);
    const k = this.model.components.findIndex((x) => x.name === c.name);
    if (k >= 0) this.model.components[k] = c;
    await this.isolate(c);
  }

  private async retire(inst: Instance, graceSeconds: number) {
    inst.stop(); // out of the router first
    const i = this.instances.indexOf(inst);
    if (i >= 0) this.instances.splice(i, 1);
    const container = this.docker.getContainer(inst.containerId);
    await container.stop({ t: graceSeconds }).catch(() => undefined);
    await container.remove({ force: true }).catch(() => undefined);
  }

  private async createAndStart(c: ComponentModel, index: number, generation = 0): Promise<Instance> {
    const image = this.images.get(c.name) ?? (c.build.kind === 'image' ? c.build.image : undefined);
    if (!image) throw new RehearseError('BUILD_FAILED', `no image for "${c.name}"`, { hint: 'build it first' });
    if (
      c.build.kind === 'image' &&
      !(await this.docker
        .getImage(image)
        .inspect()
        .then(
          () => true,
          () => false,
        ))
    )
      throw new RehearseError('BUILD_FAILED', `image ${image} of "${c.name}" is not in the local engine`, {
        hint: `pull or build it first ("docker pull ${image}"); rehearse never pulls on its own`,
      });
    const config = c.runCommand
      ? undefined
      : await this.docker
          .getImage(image)
          .inspect()
          .then(
            (i) => i.Config,
            (err: Error) => void this.events.trace?.(`reading the command of ${image}: ${err.message}`),
          );
    const options = containerOptions(c, this.profile, {
      imageCommand: [...(config?.Entrypoint ?? []), ...(config?.Cmd ?? [])],
      appId: this.appId,
      project: this.project,
      session: this.session,
      network: this.network,
      image,
      index,
      generation,
    });
    const container = await this.docker.createContainer(options);
    const inst = new Instance(this.docker, c, index, container.id, this.profile, this.events, this.mask, {
      queue: this.changes,
      // Every restart is a new container from the same options: the platform restarts an instance with a fresh
      // disk. Its labels carry the crash loop, for `ps`.
      create: async (restarts, lastCrash) => {
        const labels = { [LABEL.restarts]: String(restarts), ...(lastCrash ? { [LABEL.lastCrash]: lastCrash } : {}) };
        return (await this.docker.createContainer({ ...options, Labels: { ...options.Labels, ...labels } })).id;
      },
      network: this.network,
      aliases: options.NetworkingConfig?.EndpointsConfig?.[this.network]?.Aliases ?? [],
      repaired: (i) => this.isolate(i.component),
    });
    this.instances.push(inst);
    await inst.start();
    return inst;
  }

  /** No change queued or under way, and no supervisor with a repair pending: the app is as it should be. */
  quiet(): boolean {
    return this.changes.idle && this.instances.every((i) => !i.busy);
  }

  instancesOf(component: string): Instance[] {
    return this.instances.filter((i) => i.component.name === component);
  }

  allInstances(): readonly Instance[] {
    return this.instances;
  }

  /**
   * Stops supervision and the scheduler, then each instance: SIGTERM, its grace period, SIGKILL; then removes
   * every object. An instance that had to be killed gets a notice that says why it never saw SIGTERM.
   */
  async stop(graceSeconds?: number): Promise<void> {
    this.scheduler?.stop();
    this.unfollow?.();
    await this.changes.close(); // a repair or rollout under way is aborted, none starts after this
    for (const i of this.instances) i.stop();
    await Promise.all(
      this.instances.map(async (inst) => {
        const grace = graceSeconds ?? inst.component.graceSeconds;
        const container = this.docker.getContainer(inst.containerId);
        const t0 = Date.now();
        const ok = await container.stop({ t: grace }).then(
          () => true,
          () => false,
        );
        if (!ok || Date.now() - t0 < grace * 1000 - 500) return;
        const info = await container.inspect().catch(() => undefined);
        if (info?.State.ExitCode !== 137) return;
        const cmd = [...(info.Config.Entrypoint ?? []), ...(info.Config.Cmd ?? [])];
        // The shell may follow an entrypoint that execs its arguments (the node image's docker-entrypoint.sh).
        const sh = cmd.findIndex((x, k) => x === '/bin/sh' && cmd[k + 1] === '-c');
        const shell = sh >= 0 && sh <= 1 && !inst.component.runCommand;
        this.events.notice?.(
          inst.component.name,
          `${inst.name} did not exit on SIGTERM and was killed after its ${grace} s grace period, with any requests in flight: ${
            shell
              ? `its CMD is in shell form, so /bin/sh is PID 1 and never passes SIGTERM on; ${execFormFix('CMD', cmd.slice(sh + 2).join(' '))}`
              : 'handle SIGTERM (stop accepting, finish requests, exit), and run the app as PID 1 (exec form, or exec in a script)'
          }.`,
        );
      }),
    );
    await this.databases.stop(); // after the apps, as a cluster outlives a deploy: a clean shutdown keeps its data
    await stopApp(this.docker, this.appId, 0);
  }

  /** Everything removed at once (a failed start, a second Ctrl-C): the change under way is aborted, not awaited. */
  async remove(): Promise<void> {
    this.scheduler?.stop();
    this.unfollow?.();
    const closed = this.changes.close();
    for (const i of this.instances) i.stop();
    await removeApp(this.docker, this.appId);
    await closed;
    await removeApp(this.docker, this.appId); // whatever that change created while the sweep ran
  }
}
