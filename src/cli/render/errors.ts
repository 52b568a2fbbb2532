/** The only place errors become words and exit codes. */
import path from 'node:path';
import pc from 'picocolors';
import { isRehearseError } from '../../shared/errors.js';

/** 0 ok, 1 the app failed (build, job, health), 2 usage or spec error. */
export const EXIT = { ok: 0, appFailed: 1, usage: 2 } as const;

const USAGE_CODES = new Set([
  'SPEC_NOT_FOUND',
  'SPEC_INVALID',
  'PROFILE_INVALID',
  'USAGE',
  'FILE_MISSING',
  'SECRET_MISSING',
]);

export function exitCodeFor(err: unknown): number {
  if (isRehearseError(err)) return USAGE_CODES.has(err.code) ? EXIT.usage : EXIT.appFailed;
  return EXIT.appFailed;
}

export function renderError(err: unknown, verbose = false): string {
  if (!isRehearseError(err)) {
    const e = err as Error;
    return `${pc.red('✘ unexpected error:')} ${e?.message ?? String(err)}\n${verbose ? (e?.stack ?? '') : pc.dim('  run again with --verbose for the stack trace')}`;
  }
  const lines = [`${pc.red('✘')} ${pc.bold(err.code)}: ${err.message}`];
  if (err.location)
    lines.push(
      `  at ${path.relative(process.cwd(), err.location.file) || err.location.file}:${err.location.line}:${err.location.column}`,
    );
  if (err.details) lines.push(err.details.replace(/^/gm, '  '));
  if (err.hint) lines.push(`  ${pc.green('fix:')} ${err.hint}`);
  if (verbose && err.stack) lines.push(pc.dim(err.stack));
  return lines.join('\n');
}
