/**
 * One diagnosis block per crash: which instance, how it ended (exit code, signal, OOM kill with the size's
 * limit), how long it ran, and its last log lines. The first line names the cause and the fix, for newcomers.
 */
import { constants } from 'node:os';
import { sizeThatFits, type Profile } from '../profile/profile.js';
import type { ComponentModel } from '../spec/model.js';
import { databaseFix } from './databases/diagnose.js';
import { shellExit } from './blame.js';
import { prunedDevDependency } from './buildpacks/node.js';

export interface ContainerEnd {
  exitCode: number;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
}

export interface Diagnosis {
  component: string;
  instance: string;
  /** One or two lines: cause and fix. */
  summary: string;
  exitCode: number;
  signal?: string;
  oomKilled: boolean;
  ranSeconds: number;
  /** When the instance ended (ISO time). */
  endedAt: string;
  logTail: string[];
}

const SIGNALS = Object.fromEntries(Object.entries(constants.signals).map(([name, n]) => [n, name]));

export function signalOf(exitCode: number): string | undefined {
  return exitCode > 128 ? SIGNALS[exitCode - 128] : undefined;
}

export function diagnose(
  c: ComponentModel,
  instance: string,
  end: ContainerEnd,
  logTail: string[],
  profile: Profile,
): Diagnosis {
  const ran = Math.max(0, (Date.parse(end.finishedAt) - Date.parse(end.startedAt)) / 1000);
  const signal = signalOf(end.exitCode);
  let summary: string;
  if (end.oomKilled) {
    const bigger = sizeThatFits(profile, c.size.memory_mib * 2);
    summary = `${instance} ran out of memory: killed at the ${c.size.memory_mib} MiB limit of ${c.size.slug}. Use less memory, or set instance_size_slug: ${bigger?.slug ?? 'a larger size'}${bigger ? ` (${bigger.memory_mib} MiB, $${bigger.usd_per_month}/month)` : ''}.`;
  } else if (signal) {
    summary = `${instance} was killed by ${signal} (exit ${end.exitCode}) after ${ran.toFixed(1)}s.`;
  } else {
    const shell = shellExit(end.exitCode, logTail);
    const cause = shell ?? rootCause(logTail);
    const fix = knownFix(c, logTail);
    summary = `${instance} exited with code ${end.exitCode} after ${ran.toFixed(1)}s${cause ? `: ${cause}` : ''}.${fix ? ` ${fix}` : ''}`;
  }
  return {
    component: c.name,
    instance,
    summary,
    exitCode: end.exitCode,
    ...(signal ? { signal } : {}),
    oomKilled: end.oomKilled,
    ranSeconds: ran,
    endedAt: end.finishedAt,
    logTail: logTail.slice(-30),
  };
}

/** The root exception of a Python traceback or a Node stack, so it is shown first rather than 40 lines down. */
export function rootCause(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    // Python: "django.core.exceptions.ImproperlyConfigured: ...", "PermissionError: [Errno 1] ..."
    if (/^([A-Za-z_][\w.]*)(Error|Exception|Exit|Configured|Interrupt|NotFound)\b.*?:\s/.test(l)) return l;
    // Node: "Error: listen EADDRINUSE", "TypeError: x is not a function"
    if (/^(\w*Error|Error)(\s\[\w+\])?:\s/.test(l)) return l;
  }
  return undefined;
}

/**
 * Causes rehearse recognises in a crashing instance's last lines, each with the fix: production-only failures
 * whose traceback alone does not say what to change.
 */
export function knownFix(c: ComponentModel, lines: readonly string[]): string | undefined {
  const text = lines.join('\n');
  if (
    /gunicorn/i.test(text) &&
    /(Read-only file system|Errno 30|os\.fchmod|Operation not permitted|No usable temporary directory)/.test(text)
  )
    return GUNICORN_FIX;
  const pruned = prunedDevDependency(c, text);
  if (pruned) return pruned;
  const missing =
    /KeyError: '([A-Za-z_][A-Za-z0-9_]*)'|(?:environment variable|env var(?:iable)?)\s+['"]?([A-Z_][A-Z0-9_]*)['"]?|the ([A-Z_][A-Z0-9_]*) environment variable/.exec(
      text,
    );
  const key = missing?.[1] ?? missing?.[2] ?? missing?.[3];
  if (key && c.buildOnlyKeys.includes(key))
    return `${key} is scoped BUILD_TIME in the spec, so it exists during the build only: set its scope to RUN_TIME (or RUN_AND_BUILD_TIME).`;
  if (key && !c.env.some((e) => e.key === key))
    return `${key} is not set at run time: add it to ${c.name}'s envs in the spec (scope RUN_TIME or RUN_AND_BUILD_TIME).`;
  const database = databaseFix(text);
  if (database) return database;
  if (/(EROFS|Read-only file system)/.test(text))
    return 'the filesystem is read-only on the platform: use /dev/shm for scratch files and object storage (Spaces) for anything kept.';
  return undefined;
}

const GUNICORN_FIX =
  "gunicorn's worker heartbeat file in its tmp dir (/tmp) fails under the platform's sandbox: add --worker-tmp-dir /dev/shm to the gunicorn command.";

/** A log line that shows a production-only problem while the instance keeps running. */
export function noticeFor(instance: string, line: string): string | undefined {
  // Seed 000: the arbiter stays up (the deploy looks healthy) while each worker dies at its first heartbeat.
  if (/os\.fchmod\(self\._tmp\.fileno\(\)/.test(line))
    return `${instance}: gunicorn's workers die in a loop (os.fchmod PermissionError on their heartbeat file in /tmp, refused by the platform's sandbox) while the deploy looks healthy: add --worker-tmp-dir /dev/shm to the gunicorn command.`;
  const m = /(EROFS|Read-only file system)[^'"]*['"]?([/\w.-]*)/.exec(line);
  if (m)
    return `${instance} tried to write${m[2] ? ` ${m[2]}` : ''} on a read-only filesystem: on the platform the local disk is not for uploads or data (read-only here; ephemeral and per instance there). Store uploads in object storage (Spaces, S3).`;
  return undefined;
}

export function renderDiagnosis(d: Diagnosis): string {
  return [d.summary, ...(d.logTail.length ? ['last log lines:', ...d.logTail.map((l) => `  ${l}`)] : [])].join('\n');
}
