/**
 * The databases of one app: each one a container on the app's network, reached at the database's name (its
 * DNS alias), its data in a labelled volume of the project that outlives the app as a managed cluster outlives
 * deploys. Builds never join the app network, so they have no route to a database, as in production.
 */
import tar from 'tar-fs';
import type { Profile } from '../../profile/profile.js';
import { RehearseError } from '../../shared/errors.js';
import { appLabels, LABEL, owner } from '../../shared/labels.js';
import type { AppModel, DatabaseModel } from '../../spec/model.js';
import { execText, type Engine } from '../engine.js';
import { demuxBuffer } from '../logs.js';
import { projectStateDir } from './credentials.js';
import { postgresRun, redisRun, type EngineRun } from './engines.js';
import { requireImage, RUNNABLE } from './images.js';

export interface DatabaseIds {
  appId: string;
  project: string;
  session: string;
  network: string;
}

export const databaseVolume = (project: string, db: string) => `rehearse-${project}-${db}-data`;
export const databaseContainer = (appId: string, db: string) => `rehearse-${appId}-${db}-db`;

/** The databases of a model that rehearse runs: an engine with a stand-in, and credentials in the model. */
export function runnableDatabases(model: AppModel, profile: Profile): DatabaseModel[] {
  return profile.databases ? model.databases.filter((d) => RUNNABLE[d.engine] && d.password !== undefined) : [];
}

/** What runs in place of each database (emulated), and what differs or does not run: for the parity report. */
export function databaseParity(model: AppModel, profile: Profile): { emulated: string[]; notEmulated: string[] } {
  const emulated: string[] = [];
  const notEmulated: string[] = [];
  const p = profile.databases;
  for (const db of model.databases) {
    const standIn = RUNNABLE[db.engine];
    if (!standIn || !p || db.password === undefined) {
      notEmulated.push(
        `database ${db.name}: ${db.engine} is not run here; its bindables name a host ${db.name} that nothing answers`,
      );
      continue;
    }
    const run = db.engine === 'PG' ? postgresRun(db, p, { size: p.pool_size }) : redisRun(db, p);
    emulated.push(...run.shape.map((l) => `database ${l}`));
    const asked = `${db.engine}${db.version ? ` ${db.version}` : ''}`;
    if (db.engine === 'VALKEY' || (db.version && db.version !== standIn.version))
      notEmulated.push(`database ${db.name}: ${asked} asked, ${standIn.runs} runs (an offline stand-in)`);
    if (db.pools.length)
      notEmulated.push(`database ${db.name}: pools run PgBouncer 1.18 (no prepared statements in transaction mode)`);
  }
  return { emulated, notEmulated };
}

export class DatabaseServers {
  private readonly containers = new Map<string, string>();
  private readonly runs = new Map<string, EngineRun>();

  constructor(
    private readonly docker: Engine,
    private readonly model: AppModel,
    private readonly profile: Profile,
    private readonly ids: DatabaseIds,
  ) {
    const p = profile.databases;
    if (p)
      for (const db of runnableDatabases(model, profile))
        this.runs.set(db.name, db.engine === 'PG' ? postgresRun(db, p, { size: p.pool_size }) : redisRun(db, p));
  }

  /** Starts every database at once and resolves when each accepts a TLS login with the app's credentials. */
  async start(onReady?: (db: string, ms: number) => void): Promise<void> {
    await Promise.all(
      [...this.runs].map(async ([name, run]) => {
        const t0 = Date.now();
        const id = await this.create(
          this.model.databases.find((d) => d.name === name)!,
          run,
        );
        await this.docker.getContainer(id).start();
        await this.waitReady(name, id, run);
        onReady?.(name, Date.now() - t0);
      }),
    );
  }

  private async create(db: DatabaseModel, run: EngineRun): Promise<string> {
    const volume = databaseVolume(this.ids.project, db.name);
    // One server per data directory: a second app of this project would corrupt it.
    const users = await this.docker.listContainers({ filters: { volume: [volume] } });
    const other = users.find((c) => c.Labels[LABEL.app] !== this.ids.appId);
    if (other)
      throw new RehearseError(
        'DATABASE_FAILED',
        `database ${db.name}'s data is in use by another app of this project`,
        {
          hint: `stop it first ("rehearse down"); it runs as ${other.Names[0]?.slice(1) ?? other.Id}`,
        },
      );
    await this.docker.createVolume({
      Name: volume,
      Labels: {
        [LABEL.owner]: owner(),
        [LABEL.project]: this.ids.project,
        [LABEL.component]: db.name,
        [LABEL.kind]: 'database',
      },
    });
    const container = await this.docker.createContainer({
      name: databaseContainer(this.ids.appId, db.name),
      Image: await requireImage(this.docker, RUNNABLE[db.engine]!),
      Env: run.env,
      Cmd: run.cmd,
      ExposedPorts: { [`${run.port}/tcp`]: {} },
      Labels: {
        ...appLabels(this.ids.appId),
        [LABEL.project]: this.ids.project,
        [LABEL.component]: db.name,
        [LABEL.instance]: `${db.name}-1`,
        [LABEL.session]: this.ids.session,
        [LABEL.pid]: String(process.pid),
        [LABEL.kind]: 'database',
      },
      HostConfig: {
        NetworkMode: this.ids.network,
        Mounts: [{ Type: 'volume', Source: volume, Target: run.dataDir }],
        // For tools on the host (`rehearse db url`): loopback only, TLS and the password still required.
        PortBindings: { [`${run.port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
        RestartPolicy: { Name: 'no' },
        SecurityOpt: ['no-new-privileges:true'],
      },
      NetworkingConfig: { EndpointsConfig: { [this.ids.network]: { Aliases: [db.name] } } },
      StopTimeout: 10,
    });
    this.containers.set(db.name, container.id);
    // The server's key and certificate chain go in before it starts; no host folder is mounted.
    const dir = projectStateDir(this.ids.project);
    const names: Record<string, string> = { [`${db.name}.crt`]: 'server.crt', [`${db.name}.key`]: 'server.key' };
    await container.putArchive(
      tar.pack(dir, {
        entries: [`${db.name}.crt`, `${db.name}.key`, 'ca.crt'],
        map: (h) => ((h.name = `tls/${names[h.name] ?? h.name}`), h),
      }) as never,
      { path: '/tmp' },
    );
    return container.id;
  }

  private async waitReady(name: string, id: string, run: EngineRun, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const probe = await execText(this.docker, id, run.ready, 10_000).catch(() => undefined);
      if (probe?.code === 0) return;
      const info = await this.docker.getContainer(id).inspect();
      if (!info.State.Running || Date.now() > deadline) {
        const logs = (await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail: 30 })) as unknown;
        throw new RehearseError(
          'DATABASE_FAILED',
          `database ${name} ${info.State.Running ? 'never became ready' : 'exited'}`,
          {
            details: demuxBuffer(logs as Buffer),
            hint: 'its log is above; "docker rmi" the stand-in and rerun scripts/base-images if the image is damaged',
          },
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The database's container, for `exec` (psql, redis-cli). */
  containerOf(name: string): string | undefined {
    return this.containers.get(name);
  }

  /** SIGTERM and a grace period, so PostgreSQL checkpoints and Redis saves its snapshot before the app goes. */
  async stop(graceSeconds = 10): Promise<void> {
    await Promise.all(
      [...this.containers.values()].map((id) =>
        this.docker
          .getContainer(id)
          .stop({ t: graceSeconds })
          .catch(() => undefined),
      ),
    );
  }
}
