/**
 * Every failure rehearse expects is a RehearseError with a code, a hint that names the fix, and, when it
 * comes from a file, where. The library throws these untouched; only the CLI turns them into words and
 * exit codes (see src/cli/render/errors.ts).
 */

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Codes and what they mean. A code is stable: tests and users' scripts match on it. */
export const ERROR_CODES = {
  SPEC_NOT_FOUND: 'no app spec where one was looked for',
  SPEC_INVALID: 'the app spec breaks the schema or the platform rules',
  PROFILE_INVALID: 'a platform profile in sandbox/ (or a user file) is malformed',
  ENGINE_UNREACHABLE: 'no Docker engine answers',
  BUILD_FAILED: 'an image build failed or timed out',
  BUILD_UNSUPPORTED: 'a component needs a buildpack build, which rehearse does not emulate',
  FILE_MISSING: 'a dockerfile_path or source_dir named by the spec does not exist',
  SECRET_MISSING: 'a SECRET (or EV[...] value) has no local value',
  JOB_FAILED: 'a deploy job exited non-zero',
  HEALTH_FAILED: 'an instance never became live',
  START_FAILED: "the engine could not execute a container's command (not on PATH, not executable, not there)",
  DATABASE_FAILED: 'a database the spec declares could not be started or never became ready',
  USAGE: 'the command line is wrong',
  SESSION_FAILED: 'the background session of up --detach ended before the app was up, for a reason it did not name',
  DISPOSED: 'the app was used after stop()',
  UNSAFE_STATE_DIR: "rehearse's state folder is not private to this user (owner, mode or a symlink)",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface RehearseErrorOptions {
  hint?: string;
  location?: SourceLocation;
  cause?: unknown;
  /** Longer evidence the CLI prints under the message: a build log tail, a diagnosis block. */
  details?: string;
}

export class RehearseError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly details: string | undefined;

  constructor(code: ErrorCode, message: string, options: RehearseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RehearseError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.details = options.details;
  }
}

export function isRehearseError(err: unknown, code?: ErrorCode): err is RehearseError {
  return err instanceof RehearseError && (code === undefined || err.code === code);
}
