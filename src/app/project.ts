/**
 * What other terminals do with a running app, found by its spec: `ps`, `logs`, `exec`, `restart`. They read the
 * engine's labelled state (the state store) and the session file, never an in-memory handle.
 */
import path from 'node:path';
import { loadProfile } from '../profile/profile.js';
import { PassThrough } from 'node:stream';
import readline from 'node:readline';
import type Docker from 'dockerode';
import { connectEngine } from '../runtime/engine.js';
import { masker } from '../runtime/logs.js';
import { RehearseError } from '../shared/errors.js';
import { LABEL } from '../shared/labels.js';
import { projectIdFor } from './app-id.js';
import { callControl } from './control.js';
import { loadModel, specFileOf } from './load-model.js';
import { readSession, type SessionInfo } from './session.js';

export interface InstanceStatus {
  component: string;
  instance: string;
  kind: string;
  state: string;
  status: string;
  memoryMiB: number;
  published?: string;
  /** Crashes of this instance so far in the session, and the diagnosis of the last one. */
  restarts: number;
  lastCrash?: string;
}

export interface ProjectStatus {
  project: string;
  session?: SessionInfo;
  instances: InstanceStatus[];
}

function running(session: SessionInfo | undefined, file: string): SessionInfo {
  if (!session)
    throw new RehearseError('USAGE', `no rehearse session runs ${path.relative(process.cwd(), file) || file}`, {
      hint: 'start one with "rehearse up --detach" (or "rehearse up" in another terminal)',
    });
  return session;
}

export async function projectStatus(spec?: string): Promise<ProjectStatus> {
  const file = specFileOf(spec);
  const project = projectIdFor(file);
  const docker = await connectEngine();
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.project}=${project}`] } });
  const instances = await Promise.all(
    containers
      .filter((c) => c.Labels[LABEL.kind] !== 'helper')
      .map(async (c) => {
        const info = await docker.getContainer(c.Id).inspect();
        const port = c.Ports.find((p) => p.PublicPort);
        return {
          component: c.Labels[LABEL.component]!,
          instance: c.Labels[LABEL.instance]!,
          kind: c.Labels[LABEL.kind]!,
          state: c.State,
          status: c.Status + (info.State.OOMKilled ? ' (OOM-killed)' : ''),
          memoryMiB: Math.round(info.HostConfig.Memory! / 1048576),
          restarts: Number(c.Labels[LABEL.restarts] ?? 0),
          ...(c.Labels[LABEL.lastCrash] ? { lastCrash: c.Labels[LABEL.lastCrash] } : {}),
          ...(port ? { published: `${port.IP}:${port.PublicPort}` } : {}),
        };
      }),
  );
  instances.sort((a, b) => a.instance.localeCompare(b.instance, undefined, { numeric: true }));
  const session = readSession(project);
  return { project, ...(session ? { session } : {}), instances };
}

async function containersOf(docker: Docker, project: string, component?: string) {
  const label = [`${LABEL.project}=${project}`, ...(component ? [`${LABEL.component}=${component}`] : [])];
  return (await docker.listContainers({ all: true, filters: { label } })).filter(
    (c) => c.Labels[LABEL.kind] !== 'helper',
  );
}

export interface LogOptions {
  spec?: string;
  component?: string;
  follow?: boolean;
  /** Unix seconds, or a duration like 10m / 2h / 30s. */
  since?: string;
  onLine: (instance: string, line: string) => void;
}

export function parseSince(since: string | undefined): number {
  if (!since) return 0;
  const m = /^(\d+)(s|m|h)$/.exec(since);
  if (m) return Math.floor(Date.now() / 1000) - Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
  const t = Date.parse(since);
  if (!Number.isNaN(t)) return Math.floor(t / 1000);
  if (/^\d+$/.test(since)) return Number(since);
  throw new RehearseError('USAGE', `--since "${since}" is neither a duration (10m, 2h) nor a time`, {
    hint: 'e.g. --since 10m',
  });
}

/** Logs of an app's instances, secrets masked; resolves when done (or never, with follow, until aborted). */
export async function projectLogs(o: LogOptions): Promise<void> {
  const file = specFileOf(o.spec);
  const project = projectIdFor(file);
  const model = loadModel({ file, profile: loadProfile() }).model;
  if (o.component && model && !model.components.some((c) => c.name === o.component))
    throw new RehearseError('USAGE', `no component named "${o.component}"`, {
      hint: `components: ${model.components.map((c) => c.name).join(', ')}`,
    });
  const mask = masker(model?.components.flatMap((c) => c.env.filter((e) => e.secret).map((e) => e.value)) ?? []);
  const docker = await connectEngine();
  const since = parseSince(o.since);
  const list = await containersOf(docker, project, o.component);
  await Promise.all(
    list.map(async (c) => {
      const name = c.Labels[LABEL.instance]!;
      const out = new PassThrough();
      const lines = readline.createInterface({ input: out });
      lines.on('line', (l) => o.onLine(name, mask(l)));
      const done = new Promise<void>((r) => lines.on('close', () => r()));
      if (o.follow) {
        const stream = (await docker
          .getContainer(c.Id)
          .logs({ follow: true, stdout: true, stderr: true, since })) as unknown as NodeJS.ReadableStream;
        docker.modem.demuxStream(stream, out, out);
        stream.on('end', () => out.end());
      } else {
        const buf = (await docker
          .getContainer(c.Id)
          .logs({ follow: false, stdout: true, stderr: true, since })) as unknown as Buffer;
        const { demuxBuffer } = await import('../runtime/logs.js');
        out.end(demuxBuffer(buf));
      }
      await done;
    }),
  );
}

/**
 * Runs a command in an instance; interactive (TTY, stdin) when asked, like production's console. Without a TTY,
 * stdin is still passed when asked (`echo x | rehearse exec web -- cat`); its end closes the command's stdin.
 */
export async function projectExec(
  spec: string | undefined,
  component: string,
  index: number,
  cmd: string[],
  interactive: boolean,
  stdin = interactive,
): Promise<number> {
  const file = specFileOf(spec);
  const docker = await connectEngine();
  const [c] = (await containersOf(docker, projectIdFor(file), component)).filter(
    (x) => x.Labels[LABEL.instance] === `${component}-${index}` && x.State === 'running',
  );
  if (!c)
    throw new RehearseError('USAGE', `no running instance ${component}-${index}`, {
      hint: 'see "rehearse ps" for what runs',
    });
  const exec = await docker
    .getContainer(c.Id)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: stdin, Tty: interactive });
  const stream = await exec.start({ hijack: true, stdin, Tty: interactive });
  if (interactive) process.stdin.setRawMode?.(true);
  if (stdin) process.stdin.pipe(stream);
  if (interactive) stream.pipe(process.stdout);
  else docker.modem.demuxStream(stream, process.stdout, process.stderr);
  await new Promise<void>((r) => (stream.on('end', () => r()), stream.on('close', () => r())));
  if (interactive) process.stdin.setRawMode?.(false);
  if (stdin) {
    process.stdin.unpipe(stream);
    process.stdin.pause();
  }
  return (await exec.inspect()).ExitCode ?? 1;
}

export async function projectRestart(spec: string | undefined, component: string): Promise<void> {
  const file = specFileOf(spec);
  await callControl(
    running(readSession(projectIdFor(file)), file),
    `/restart?component=${encodeURIComponent(component)}`,
  );
}
