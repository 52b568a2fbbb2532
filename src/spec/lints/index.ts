/** Static lints for known production-only traps; each is a warning with the file and line. */
import type { Diagnostic } from '../diagnostics.js';
import type { AppModel } from '../model.js';
import type { AppSpec } from '../schema.js';
import type { SpecSource } from '../source.js';

export type Lint = (source: SpecSource, spec: AppSpec, model: AppModel) => Diagnostic[];

const LINTS: Lint[] = [];

export function runLints(source: SpecSource, spec: AppSpec, model: AppModel): Diagnostic[] {
  return LINTS.flatMap((lint) => lint(source, spec, model));
}
