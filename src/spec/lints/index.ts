/** Static lints for known production-only traps; each is a warning with the file and line, one file per trap. */
import type { Diagnostic } from '../diagnostics.js';
import type { AppModel } from '../model.js';
import type { AppSpec } from '../schema.js';
import type { SpecSource } from '../source.js';
import { buildpackSlug } from './buildpack-slug.js';
import { devServer } from './dev-server.js';
import { gunicornTmpDir } from './gunicorn-tmp-dir.js';
import { loopbackBind, portMismatch } from './ports.js';
import { shellFormCmd } from './shell-form-cmd.js';

export type Lint = (source: SpecSource, spec: AppSpec, model: AppModel) => Diagnostic[];

export const LINTS: Lint[] = [gunicornTmpDir, devServer, shellFormCmd, portMismatch, loopbackBind, buildpackSlug];

export function runLints(source: SpecSource, spec: AppSpec, model: AppModel): Diagnostic[] {
  return LINTS.flatMap((lint) => lint(source, spec, model));
}
