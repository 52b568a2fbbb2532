/**
 * The parity report: every constraint emulated with its production value, and everything not emulated or
 * switched off, so nobody mistakes a green local run for a promise.
 */
import { databaseParity } from '../runtime/databases/servers.js';
import { DISK_CHECK_MS } from '../runtime/disk-watch.js';
import type { RunningApp } from './types.js';

export interface Parity {
  emulated: string[];
  notEmulated: string[];
}

/** From what the report reads of a running app: its profile, production's, the router mode and the model. */
export function parityReport(
  app: Pick<RunningApp, 'profile' | 'production' | 'routerMode' | 'model'> & Partial<Pick<RunningApp, 'httpsUrl'>>,
): Parity {
  const p = app.profile;
  const databases = databaseParity(app.model, p);
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
    ...(p.liveness
      ? [
          `liveness checks: an instance failing ${p.liveness.failure_threshold} checks ${p.liveness.period_seconds} s apart is restarted; one stopped or removed from outside is replaced at once (unless the spec says otherwise)`,
        ]
      : []),
    `termination: SIGTERM, then SIGKILL after ${p.termination.grace_period_seconds} s (unless the spec says otherwise)`,
    `edge: ${app.routerMode} router${app.routerMode !== r.mode ? ` (production: ${r.mode})` : ''}, first byte within ${r.first_byte_timeout_seconds} s (${r.request_timeout_status} ${r.request_timeout_code}), body up to ${r.max_request_body_mib} MiB, headers up to ${r.max_header_bytes} bytes${r.compress ? ', gzip' : ''}`,
    'PRE_DEPLOY jobs before services, POST_DEPLOY after, FAILED_DEPLOY on failure, SCHEDULED on their cron',
    ...(p.edge_request && app.model.domain
      ? [
          `request shape: the app sees Host ${app.model.domain}, X-Forwarded-Proto ${p.edge_request.scheme}, the client in X-Forwarded-For${p.edge_request.client_ip_header ? ` and ${p.edge_request.client_ip_header}` : ''}; a client's own forwarding headers are dropped; \${APP_URL} is ${p.edge_request.scheme}://${app.model.domain}`,
          `the production origin is mapped back to the local one in redirects (Location), cookies (Domain) and CORS; Origin and Referer go the other way${app.httpsUrl ? `; HTTPS at ${app.httpsUrl} (this user's local CA)` : ''}`,
        ]
      : []),
    ...databases.emulated,
  ];
  const changed = (['router', 'health', 'liveness', 'termination', 'filesystem'] as const).flatMap((group) =>
    Object.entries(app.profile[group] ?? {})
      .filter(([k, v]) => (app.production[group] as Record<string, unknown> | undefined)?.[k] !== v)
      .map(
        ([k, v]) =>
          `${group}.${k} overridden: ${String(v)} here, ${String((app.production[group] as Record<string, unknown> | undefined)?.[k])} in production`,
      ),
  );
  const notEmulated = [
    ...changed,
    ...app.model.notEmulated,
    ...databases.notEmulated,
    ...(app.routerMode !== r.mode
      ? [`router mode switched to ${app.routerMode} by a flag (production: ${r.mode})`]
      : []),
    `drain (${p.termination.drain_seconds} s of no new traffic before SIGTERM) is immediate here`,
    `the rest of the sandbox${p.name === 'digitalocean' ? ' (gVisor: other unsupported system calls, its file I/O speed)' : ''}, amd64-only images, the CDN cache and HTTP/2-3 to the client are not emulated`,
    ...(p.edge_request
      ? [
          "edge headers: production's X-Forwarded-For may also carry CDN and ingress addresses, and Cloudflare adds its own (cf-ray, cf-ipcountry); not sent here",
          "TLS: the local origin's certificate is this user's local CA's, not the platform's; the HTTP origin is served too, where production redirects it to HTTPS",
          ...(app.model.domains?.length
            ? []
            : [`the default domain's 5 characters are derived from the app's name here; production assigns them`]),
        ]
      : []),
  ];
  return { emulated, notEmulated };
}
