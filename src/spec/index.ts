/**
 * The one door into a spec: find it, parse it with positions, check schema and platform rules, and build the
 * AppModel. Never throws for a bad spec: problems come back as diagnostics, every one of them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { loadProfile, type Profile } from '../profile/profile.js';
import { RehearseError } from '../shared/errors.js';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import type { AppModel } from './model.js';
import { normalize } from './normalize.js';
import { BUILT_LISTS } from './kinds.js';
import { identifyNonSpec } from './not-a-spec.js';
import { checkSchema } from './schema-check.js';
import { inRepo } from './repo-path.js';
import { checkSemantics } from './semantic.js';
import { locate, parseSource, RECOVERABLE_YAML, type SpecSource } from './source.js';
import { runLints } from './lints/index.js';

export * from './diagnostics.js';
export * from './model.js';
export type { SpecSource } from './source.js';

/** Where users keep a spec, in the order rehearse looks. */
export const SPEC_CANDIDATES = ['.do/app.yaml', '.do/app.yml', 'app.yaml', '.do/deploy.template.yaml'];

/**
 * The one resolver of `--spec` (and startApp's `spec`): a file, whatever its name; a folder, searched like the
 * current one; nothing, the current folder.
 */
export function findSpec(cwd: string, explicit?: string): string {
  if (explicit) {
    const target = path.resolve(cwd, explicit);
    if (!existsSync(target))
      throw new RehearseError('SPEC_NOT_FOUND', `no spec file or folder at ${explicit}`, {
        hint: 'pass --spec a spec file, or a folder holding .do/app.yaml',
      });
    return statSync(target).isDirectory() ? findSpec(target) : target;
  }
  for (const c of SPEC_CANDIDATES) {
    const file = path.join(cwd, c);
    if (existsSync(file)) return file;
  }
  throw new RehearseError('SPEC_NOT_FOUND', `no app spec in ${cwd}`, {
    hint: `looked for ${SPEC_CANDIDATES.join(', ')}; pass --spec FILE, or export one with "doctl apps spec get APP_ID > .do/app.yaml"`,
  });
}

/** The repository root: the folder that holds `.do/`, else the spec's own folder. */
export function repoRoot(specFile: string): string {
  const dir = path.dirname(specFile);
  return path.basename(dir) === '.do' ? path.dirname(dir) : dir;
}

export interface LoadOptions {
  /** Platform profile (default: digitalocean). */
  profile?: Profile;
  /** Values for SECRETs and EV[...] envs that take precedence over `.env` and the process environment. */
  env?: Record<string, string>;
  /** URL the router will answer on, for ${APP_URL}. */
  appUrl?: string;
  /** Missing secrets are errors (for `up`) rather than warnings (for `validate`). */
  strictSecrets?: boolean;
  /** Check that dockerfile_path and source_dir exist (`up`, `build`, `validate --files`). */
  checkFiles?: boolean;
  /** The running databases' credentials, by name: their bindables then carry the real password and CA. */
  databases?: Record<string, { password: string; caCert: string }>;
}

export interface LoadResult {
  file: string;
  model?: AppModel;
  diagnostics: Diagnostic[];
  ok: boolean;
}

export function loadSpec(file: string, options: LoadOptions = {}): LoadResult {
  const text = readFileSync(file, 'utf8');
  return loadSpecText(file, text, options);
}

export function loadSpecText(file: string, text: string, options: LoadOptions = {}): LoadResult {
  const profile = options.profile ?? loadProfile();
  const finish = (diagnostics: Diagnostic[], model?: AppModel): LoadResult => ({
    file,
    diagnostics,
    ok: !hasErrors(diagnostics),
    ...(model ? { model } : {}),
  });
  const { source, diagnostics: yaml } = parseSource(file, text);
  // A duplicated key leaves the document as written: report it and go on checking the rest.
  if (yaml.some((d) => !RECOVERABLE_YAML.has(d.code))) return finish(yaml);
  const done = (diagnostics: Diagnostic[], model?: AppModel): LoadResult => finish([...yaml, ...diagnostics], model);
  let data: unknown;
  try {
    data = rootData(source);
  } catch (err) {
    // Unresolved aliases and alias bombs only surface when the document is turned into values.
    return done([
      wholeFile(
        file,
        'yaml/alias',
        `YAML: ${(err as Error).message}`,
        'define each &anchor before its *alias, and do not nest aliases deeply',
      ),
    ]);
  }
  const other = identifyNonSpec(source.doc, data);
  if (other)
    return done([
      wholeFile(
        file,
        'not-an-app-spec',
        `this is not an App Platform app spec: it looks like ${other}`,
        'point --spec at the App Platform spec (usually .do/app.yaml); see "doctl apps spec get"',
      ),
    ]);
  const schema = checkSchema(source, data);
  if (!schema.spec) return done(schema.diagnostics);
  const spec = schema.spec;
  const semantic = checkSemantics(source, spec, profile);
  const root = repoRoot(file);
  const dotenvFile = [path.join(root, '.env'), path.join(path.dirname(file), '.env')].find((f) => existsSync(f));
  const dotenv = dotenvFile ? parseDotenv(readFileSync(dotenvFile)) : {};
  const { model, diagnostics: normal } = normalize(spec, {
    source,
    profile,
    root,
    secrets: { values: options.env ?? {}, dotenv, environment: process.env },
    appUrl: options.appUrl ?? 'http://127.0.0.1:8080',
    strictSecrets: options.strictSecrets ?? false,
    ...(options.databases ? { databases: options.databases } : {}),
  });
  const all = [
    ...schema.diagnostics,
    ...semantic,
    ...normal,
    ...runLints(source, spec, model),
    ...(options.checkFiles ? checkFiles(source, spec, root) : []),
  ];
  model.diagnostics = [...yaml, ...all];
  return done(all, model);
}

/** A problem with the file as a whole, reported at its first line. */
function wholeFile(file: string, code: string, message: string, hint: string): Diagnostic {
  return { file, line: 1, column: 1, path: '', severity: 'error', code, message, hint };
}

function rootData(source: SpecSource): unknown {
  const js = source.doc.toJS({ maxAliasCount: 100 }) as unknown;
  return dropNulls(source.root.length ? (js as Record<string, unknown>).spec : js);
}

/** The platform reads specs with Go's JSON decoder, where `key:` with no value is the zero value: omitted. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, dropNulls(x)]),
    );
  return v;
}

function checkFiles(source: SpecSource, spec: import('./schema.js').AppSpec, root: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [list] of BUILT_LISTS) {
    spec[list]?.forEach((c, i) => {
      const check = (key: 'dockerfile_path' | 'source_dir', isDir: boolean) => {
        const rel = c[key];
        if (rel === undefined) return;
        const abs = inRepo(root, rel);
        const ok = existsSync(abs) && statSync(abs).isDirectory() === isDir;
        if (!ok)
          out.push({
            file: source.file,
            ...locate(source, [list, i, key]),
            path: `${list}.${i}.${key}`,
            severity: 'error',
            code: 'file-missing',
            message: `${key} "${rel}" of "${c.name}" does not exist (looked for ${isDir ? 'a folder' : 'a file'} at ${abs})`,
            hint: `${key} is relative to the repository root ${root}`,
          });
      };
      check('source_dir', true);
      check('dockerfile_path', false);
    });
  }
  return out;
}
