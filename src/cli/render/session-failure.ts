/**
 * `up --detach`: the background session wrote its failure to its log as the CLI renders any error
 * ("✘ CODE: message", then "  fix: ..."). The foreground reports that failure, not a guess.
 */
import { ERROR_CODES, RehearseError, type ErrorCode } from '../../shared/errors.js';

export function sessionFailure(log: string, exitCode: number, logFile: string): RehearseError {
  const lines = log.split('\n');
  let at = -1;
  for (let i = lines.length - 1; i >= 0 && at < 0; i--) if (/^✘ [A-Z_]+: /.test(lines[i]!)) at = i;
  const m = at >= 0 ? /^✘ ([A-Z_]+): (.*)$/.exec(lines[at]!) : null;
  const code = m && m[1]! in ERROR_CODES ? (m[1] as ErrorCode) : 'SESSION_FAILED';
  const fix = at >= 0 ? lines.slice(at + 1).find((l) => l.startsWith('  fix: ')) : undefined;
  const err = new RehearseError(
    code,
    m ? m[2]! : `the background session exited with code ${exitCode} before the app was up`,
    { hint: `${fix ? `${fix.slice('  fix: '.length)}; ` : ''}the session's full log: ${logFile}` },
  );
  return err;
}
