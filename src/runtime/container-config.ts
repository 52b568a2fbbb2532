/**
 * The profile's rules turned into Docker create options, as a pure function: what production enforces (the
 * sandbox's system call rules, a writable disk or the strict read-only root with /dev/shm, PORT, memory and CPU
 * of the instance size, pids, no-new-privileges), and the one way in from the host: a port the engine publishes
 * on 127.0.0.1 only.
 */
import type { ContainerCreateOptions } from 'dockerode';
import type { Profile } from '../profile/profile.js';
import { appLabels, LABEL } from '../shared/labels.js';
import type { ComponentModel } from '../spec/model.js';
import { seccompProfile } from './seccomp.js';

export interface InstanceIdentity {
  appId: string;
  project: string;
  session: string;
  network: string;
  image: string;
  index: number;
  /** Bumped by each rolling replacement, so old and new containers of one instance can coexist. */
  generation?: number;
  /** The image's ENTRYPOINT and CMD, when run_command does not replace them. */
  imageCommand?: string[];
}

export const containerName = (appId: string, component: string, index: number, generation = 0) =>
  `rehearse-${appId}-${component}-${index}${generation ? `-g${generation}` : ''}`;

export function containerOptions(c: ComponentModel, profile: Profile, id: InstanceIdentity): ContainerCreateOptions {
  const readOnly = profile.filesystem.mode === 'read-only';
  const ports = [c.httpPort, ...c.internalPorts].filter((p): p is number => p !== undefined);
  const exposed = Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}]));
  // Only the http_port is published, and only on loopback: the router's way in. Nothing else leaves the app network.
  const bindings = c.httpPort !== undefined ? { [`${c.httpPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] } : {};
  // Read-only mode: only the listed folders are writable (tmpfs). Ephemeral mode: the container's own writable
  // layer, on disk as production's is (a tmpfs would count against the memory limit), watched by disk-watch.ts.
  const tmpfs: Record<string, string> = {};
  if (readOnly)
    for (const dir of profile.filesystem.writable)
      if (dir !== '/dev/shm') tmpfs[dir] = `rw,nosuid,size=${profile.filesystem.ephemeral_limit_mib}m`;
  const aliases = c.kind === 'service' && profile.network.dns_by_component_name ? [c.name] : [];
  const opts: ContainerCreateOptions = {
    name: containerName(id.appId, c.name, id.index, id.generation),
    Image: id.image,
    Env: c.env.map((e) => `${e.key}=${e.value}`),
    ExposedPorts: exposed,
    Labels: {
      ...appLabels(id.appId),
      [LABEL.project]: id.project,
      [LABEL.component]: c.name,
      [LABEL.instance]: `${c.name}-${id.index}`,
      [LABEL.session]: id.session,
      [LABEL.pid]: String(process.pid),
      [LABEL.kind]: c.kind,
    },
    HostConfig: {
      ReadonlyRootfs: readOnly,
      ShmSize: profile.filesystem.shm_size_mib * 1024 * 1024,
      Tmpfs: tmpfs,
      Memory: c.size.memory_mib * 1024 * 1024,
      MemorySwap: c.size.memory_mib * 1024 * 1024, // no swap: production OOM-kills at the limit
      NanoCpus: Math.round(c.size.cpus * 1e9),
      PidsLimit: profile.process.pids_limit,
      SecurityOpt: [
        ...(profile.process.no_new_privileges ? ['no-new-privileges:true'] : []),
        `seccomp=${seccompProfile(profile, [c.runCommand ?? id.imageCommand?.join(' ') ?? '', ...c.env.map((e) => `${e.key}=${e.value}`)].join('\n'))}`,
      ],
      NetworkMode: id.network,
      PortBindings: bindings,
      RestartPolicy: { Name: 'no' },
    },
    NetworkingConfig: { EndpointsConfig: { [id.network]: { Aliases: aliases } } },
    StopTimeout: c.graceSeconds,
  };
  // run_command replaces the image's CMD and runs through a shell, as the platform does.
  if (c.runCommand) opts.Cmd = ['/bin/sh', '-c', c.runCommand];
  return opts;
}
