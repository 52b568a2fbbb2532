/**
 * The parity report: every constraint emulated with its production value, and everything not emulated or
 * switched off, so nobody mistakes a green local run for a promise.
 */
import { DISK_CHECK_MS } from '../runtime/disk-watch.js';
import type { RunningApp } from './types.js';

export interface Parity {
  emulated: string[];
  notEmulated: string[];
}

/** From what the report reads of a running app: its profile, production's, the router mode and the model. */
export function parityReport(app: Pick<RunningApp, 'profile' | 'production' | 'routerMode' | 'model'>): Parity {
  const p = app.profile;
  const r = p.router;
  const emulated = [
    p.filesystem.mode === 'read-only'
      ? `filesystem: read-only root, only ${p.filesystem.writable.join(', ')} writable`
      : `filesystem: writable, wiped when an instance restarts, replaced once it has written ${p.filesystem.ephemeral_limit_mib} MiB (checked every ${DISK_CHECK_MS / 1000} s)`,
    ...p.sandbox.syscalls.map(
      (s) =>
        `sandbox: ${s.name}${s.when ? ` (when argument ${s.when.arg} & ${s.when.mask} is ${s.when.equals})` : ''} fails with ${s.errno}: ${s.why}`,
    ),
    `PORT injected (default http_port ${p.port.default_http_port})`,
    p.network.dns_by_component_name
      ? 'internal DNS: services reach each other at http://NAME:PORT; workers have no name'
      : 'no internal DNS between components',
    p.network.instances_reach_each_other
      ? 'replicas may reach each other'
      : 'replicas of one service refuse each other',
    ...app.model.components
      .filter((c) => c.kind !== 'static_site')
      .map((c) => `${c.name}: ${c.size.memory_mib} MiB, ${c.size.cpus} CPU (${c.size.slug}), OOM kill at the limit`),
    `health checks: period ${p.health.period_seconds} s, timeout ${p.health.timeout_seconds} s, failure threshold ${p.health.failure_threshold} (unless the spec says otherwise)`,
    `termination: SIGTERM, then SIGKILL after ${p.termination.grace_period_seconds} s (unless the spec says otherwise)`,
    `edge: ${app.routerMode} router${app.routerMode !== r.mode ? ` (production: ${r.mode})` : ''}, first byte within ${r.first_byte_timeout_seconds} s (${r.request_timeout_status} ${r.request_timeout_code}), body up to ${r.max_request_body_mib} MiB, headers up to ${r.max_header_bytes} bytes${r.compress ? ', gzip' : ''}`,
    'PRE_DEPLOY jobs before services, POST_DEPLOY after, FAILED_DEPLOY on failure, SCHEDULED on their cron',
  ];
  const changed = (['router', 'health', 'termination', 'filesystem'] as const).flatMap((group) =>
    Object.entries(app.profile[group])
      .filter(([k, v]) => (app.production[group] as Record<string, unknown>)[k] !== v)
      .map(
        ([k, v]) =>
          `${group}.${k} overridden: ${String(v)} here, ${String((app.production[group] as Record<string, unknown>)[k])} in production`,
      ),
  );
  const notEmulated = [
    ...changed,
    ...app.model.notEmulated,
    ...(app.routerMode !== r.mode
      ? [`router mode switched to ${app.routerMode} by a flag (production: ${r.mode})`]
      : []),
    `drain (${p.termination.drain_seconds} s of no new traffic before SIGTERM) is immediate here`,
    `the rest of the sandbox${p.name === 'digitalocean' ? ' (gVisor: other unsupported system calls, its file I/O speed)' : ''}, amd64-only images, TLS and the CDN cache are not emulated`,
  ];
  return { emulated, notEmulated };
}
