/**
 * Where a component's start command comes from, with a location to point at: the spec's run_command, else the
 * Dockerfile's CMD/ENTRYPOINT. Lints look at commands through this.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { ComponentModel } from '../model.js';
import type { AppSpec } from '../schema.js';
import { CONTAINER_LISTS } from '../kinds.js';
import { locate, type SpecSource } from '../source.js';
import { finalStage, readDockerfile } from './dockerfile.js';

export interface StartCommand {
  text: string;
  file: string;
  line: number;
  column: number;
  from: 'run_command' | 'CMD' | 'ENTRYPOINT';
}

export function specPathOf(spec: AppSpec, name: string): [string, number] | undefined {
  for (const list of CONTAINER_LISTS) {
    const i = spec[list]?.findIndex((c) => c.name === name) ?? -1;
    if (i >= 0) return [list, i];
  }
  return undefined;
}

export function startCommands(source: SpecSource, spec: AppSpec, c: ComponentModel): StartCommand[] {
  const at = specPathOf(spec, c.name);
  if (c.runCommand && at)
    return [{ text: c.runCommand, file: source.file, ...locate(source, [...at, 'run_command']), from: 'run_command' }];
  if (c.build.kind !== 'dockerfile') return [];
  const file = c.build.dockerfile;
  return finalStage(readDockerfile(file))
    .filter((x) => x.keyword === 'CMD' || x.keyword === 'ENTRYPOINT')
    .map((x) => ({ text: x.args, file, line: x.line, column: 1, from: x.keyword as 'CMD' }));
}

export function warn(
  cmd: { file: string; line: number; column: number },
  path: string,
  code: string,
  message: string,
  hint: string,
): Diagnostic {
  return {
    file: cmd.file,
    line: cmd.line,
    column: cmd.column,
    path,
    severity: 'warning',
    code: `lint/${code}`,
    message,
    hint,
  };
}
