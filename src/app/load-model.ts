/**
 * The one way from a spec to an AppModel, for every caller (startApp, the watch reload, validate, env, cost, logs,
 * doctor). A model depends on the spec file, the profile, the values given for secrets, and the URL the app
 * answers on; the inputs name all four, so a reload from the same inputs cannot drift from the first load (it
 * once lost the secrets given to startApp) and two commands cannot resolve `--spec` two ways. The repository's
 * `.env` and the process environment are read at each load, as the spec file is: a reload sees their edits.
 */
import path from 'node:path';
import type { Profile } from '../profile/profile.js';
import { RehearseError } from '../shared/errors.js';
import { findSpec, loadSpec, type AppModel, type LoadResult } from '../spec/index.js';

export interface ModelInputs {
  /** The spec file, absolute: see specFileOf. */
  file: string;
  profile: Profile;
  /** Values for SECRETs and EV[...] envs, over `.env` and the process environment. */
  env?: Readonly<Record<string, string>>;
  /** The URL the router answers on, for ${APP_URL} and friends. Default http://127.0.0.1:8080. */
  appUrl?: string;
  /** A missing secret is an error (running the app) rather than a warning (reading the spec). */
  strictSecrets?: boolean;
  /** Check that dockerfile_path and source_dir exist. */
  checkFiles?: boolean;
  /** The running databases' credentials, by name: their bindables then carry the real password and CA. */
  databases?: Record<string, { password: string; caCert: string }>;
}

/** `--spec` (or startApp's `spec`) to the spec file: a file, a folder searched for one, or the current folder. */
export function specFileOf(spec?: string): string {
  return findSpec(process.cwd(), spec);
}

/** Every diagnostic, and the model when the spec has none of severity error. Never throws for a bad spec. */
export function loadModel(inputs: ModelInputs): LoadResult {
  return loadSpec(inputs.file, {
    profile: inputs.profile,
    ...(inputs.env ? { env: { ...inputs.env } } : {}),
    ...(inputs.appUrl ? { appUrl: inputs.appUrl } : {}),
    strictSecrets: inputs.strictSecrets ?? false,
    checkFiles: inputs.checkFiles ?? false,
    ...(inputs.databases ? { databases: inputs.databases } : {}),
  });
}

/** The model of a load, or SPEC_INVALID at the first error, with every error in its details. */
export function modelOf(loaded: LoadResult): AppModel {
  if (loaded.ok && loaded.model) return loaded.model;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0]!;
  throw new RehearseError('SPEC_INVALID', `${path.basename(loaded.file)}: ${first.message}`, {
    location: { file: first.file, line: first.line, column: first.column },
    ...(first.hint ? { hint: first.hint } : {}),
    details: errors.map((d) => `${path.basename(d.file)}:${d.line}:${d.column} ${d.message}`).join('\n'),
  });
}
