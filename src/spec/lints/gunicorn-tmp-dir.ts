/** Seed 000: gunicorn's worker heartbeat files in /tmp die on the read-only (gVisor) filesystem. */
import type { Lint } from './index.js';
import { startCommands, warn } from './commands.js';

export const gunicornTmpDir: Lint = (source, spec, model) =>
  model.components.flatMap((c) =>
    startCommands(source, spec, c)
      .filter(
        (cmd) =>
          /\bgunicorn\b/.test(cmd.text) &&
          !/--worker-tmp-dir\b/.test(cmd.text) &&
          !/(^|\s)(-c|--config)\s/.test(cmd.text),
      )
      .map((cmd) =>
        warn(
          cmd,
          `${c.name}.${cmd.from}`,
          'gunicorn-tmp-dir',
          `${c.name} starts gunicorn without --worker-tmp-dir: on App Platform its workers die in a loop (os.fchmod PermissionError in /tmp)`,
          'add --worker-tmp-dir /dev/shm to the gunicorn command',
        ),
      ),
  );
