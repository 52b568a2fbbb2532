/** A shell-form CMD/ENTRYPOINT runs under /bin/sh: the app is not PID 1 and never sees SIGTERM. */
import type { Lint } from './index.js';
import { startCommands, warn } from './commands.js';
import { isExecForm } from './dockerfile.js';

export const shellFormCmd: Lint = (source, spec, model) =>
  model.components.flatMap((c) =>
    startCommands(source, spec, c)
      // `CMD exec app ...` already makes the app PID 1 (sh replaces itself).
      .filter((cmd) => cmd.from !== 'run_command' && !isExecForm(cmd.text) && !/^exec\s/.test(cmd.text.trim()))
      .map((cmd) =>
        warn(
          cmd,
          `${c.name}.${cmd.from}`,
          'shell-form-cmd',
          `${c.name}'s ${cmd.from} is in shell form: /bin/sh is PID 1, your app never receives SIGTERM and is killed after the grace period with requests in flight`,
          execFormFix(cmd.from, cmd.text),
        ),
      ),
  );

/**
 * The fix for a shell-form command: exec form, unless it reads a variable ($PORT): exec form passes "$PORT" to the
 * app as it is written, so the shell stays to expand it and `exec` hands PID 1 (and SIGTERM) to the app.
 */
export function execFormFix(from: string, text: string): string {
  const command = text.trim().replace(/^exec\s+/, '');
  if (command.includes('$'))
    return `prefix it with exec, so the shell still expands ${/\$\{?(\w+)/.exec(command)?.[0] ?? 'the variables'} and then becomes the app: ${from} exec ${command}`;
  return `write it in exec form: ${from} ${JSON.stringify(command.split(/\s+/))}`;
}
