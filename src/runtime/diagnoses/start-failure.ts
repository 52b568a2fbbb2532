/**
 * A container whose command cannot be executed never runs at all: the engine refuses the start itself (runc's
 * exec fails before any of the app's code) with "(HTTP code 400) ... exec: "nosuch": executable file not found in
 * $PATH". Production fails the deploy the same way, with no log line from the app. This names the command, where
 * it comes from (the Dockerfile's CMD or ENTRYPOINT, a base image's, or the spec's run_command) and the fix.
 */
import type { ContainerInspectInfo } from 'dockerode';
import { readFileSync } from 'node:fs';
import { RehearseError, type SourceLocation } from '../../shared/errors.js';
import type { ComponentModel } from '../../spec/model.js';

/** runc's words after `exec: "PROGRAM": `, as Docker passes them on. */
const EXEC_FAILED = /exec: "([^"]*)": (.*?)(?:: unknown)?\s*$/;

/** The line of the Dockerfile's last instruction of a kind (the one that counts), if the file has one. */
function lastInstruction(dockerfile: string, kind: 'CMD' | 'ENTRYPOINT'): SourceLocation | undefined {
  let text: string;
  try {
    text = readFileSync(dockerfile, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--)
    if (new RegExp(`^\\s*${kind}\\b`, 'i').test(lines[i]!)) return { file: dockerfile, line: i + 1, column: 1 };
  return undefined;
}

/** Why the program could not be executed, and what to change, from runc's reason; `what` names the command's source. */
function reasonAndFix(program: string, reason: string, what: string): [string, string] {
  if (/executable file not found/.test(reason))
    return [
      `"${program}" is not a program on the image's PATH`,
      `change ${what} to a program the image has (e.g. CMD ["node", "server.js"] or CMD ["python3", "app.py"]), or install ${program} in the Dockerfile`,
    ];
  if (/permission denied/.test(reason))
    return [
      `${program} is not executable`,
      `production builds from git, so mark the script executable there ("git update-index --chmod=+x <its path>", then commit), or add RUN chmod +x ${program} to the Dockerfile, or run it through its interpreter in ${what}`,
    ];
  if (/no such file or directory/.test(reason))
    return [
      `${program} is not in the image`,
      `COPY it to that path in the Dockerfile, or correct the path in ${what} (a relative path is read from the WORKDIR)`,
    ];
  return [`${program} could not be executed (${reason})`, `correct ${what}`];
}

/**
 * The named error for a container the engine refused to start because its command could not be executed; any
 * other start failure is returned untouched. The container is inspected for the command it was given.
 */
export async function startFailure(
  err: unknown,
  container: { inspect(): Promise<ContainerInspectInfo> },
  component: ComponentModel,
  instance: string,
): Promise<unknown> {
  const message = (err as Error)?.message ?? '';
  const m = EXEC_FAILED.exec(message);
  if (!m || !/OCI runtime|runc|unable to start container process/.test(message)) return err;
  const program = m[1]!;
  const config = await container.inspect().then(
    (i) => i.Config,
    () => undefined,
  );
  const entrypoint = ([] as string[]).concat(config?.Entrypoint ?? []);
  const full = [...entrypoint, ...(config?.Cmd ?? [])];
  const kind = entrypoint.length ? 'ENTRYPOINT' : 'CMD';
  const dockerfile = component.build.kind === 'dockerfile' ? component.build.dockerfile : undefined;
  const location = component.runCommand || !dockerfile ? undefined : lastInstruction(dockerfile, kind);
  const [why, fix] = component.runCommand
    ? // run_command runs through /bin/sh -c: only an image without that shell fails here.
      [
        `the image has no ${program}, which the spec's run_command runs through`,
        `remove run_command and start the program with the Dockerfile's CMD in exec form (CMD ["/app/server"]), or build on an image that has /bin/sh`,
      ]
    : reasonAndFix(
        program,
        m[2]!,
        location
          ? `the Dockerfile's ${kind} ${JSON.stringify(kind === 'ENTRYPOINT' ? entrypoint : (config?.Cmd ?? []))}`
          : `the ${kind} the image inherits from its base image (set CMD in the Dockerfile)`,
      );
  return new RehearseError(
    'START_FAILED',
    `${instance} could not start: ${why}, so its command ${JSON.stringify(full.length ? full : [program])} never ran`,
    {
      hint: fix,
      cause: err,
      ...(location ? { location } : {}),
      details: `the engine said: ${message.trim()}${config?.WorkingDir ? `\n(working directory ${config.WorkingDir})` : ''}`,
    },
  );
}
