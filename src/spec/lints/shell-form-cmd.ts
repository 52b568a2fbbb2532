/** A shell-form CMD/ENTRYPOINT runs under /bin/sh: the app is not PID 1 and never sees SIGTERM. */
import type { Lint } from './index.js';
import { startCommands, warn } from './commands.js';
import { isExecForm } from './dockerfile.js';

export const shellFormCmd: Lint = (source, spec, model) =>
  model.components.flatMap((c) =>
    startCommands(source, spec, c)
      .filter((cmd) => cmd.from !== 'run_command' && !isExecForm(cmd.text))
      .map((cmd) =>
        warn(
          cmd,
          `${c.name}.${cmd.from}`,
          'shell-form-cmd',
          `${c.name}'s ${cmd.from} is in shell form: /bin/sh is PID 1, your app never receives SIGTERM and is killed after the grace period with requests in flight`,
          `write it in exec form: ${cmd.from} ${JSON.stringify(cmd.text.replace(/^exec\s+/, '').split(/\s+/))}`,
        ),
      ),
  );
