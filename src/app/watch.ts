/**
 * `up --watch`: a change under a component's source_dir (past .dockerignore and editor droppings) rebuilds that
 * component and rolls it out instance by instance while the router keeps serving; a change to the spec file is
 * re-validated, and components whose model changed are rolled out. Changes are batched over a short debounce.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ignore } from '@balena/dockerignore';
import { watch, type FSWatcher } from 'chokidar';
import type { AppRuntime } from '../runtime/runtime.js';
import type { ComponentModel } from '../spec/model.js';
import { diffModels } from './diff-models.js';
import { loadModel, type ModelInputs } from './load-model.js';
import type { AppEvent } from './types.js';

const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as (o: { ignorecase: boolean }) => Ignore;
const EDITOR_TEMP = /(^|\/)(\.git|\.#.*|#.*#|.*~|.*\.sw[px]|\.DS_Store)(\/|$)/;
const DEBOUNCE_MS = 200;

/** What startApp() hands the watcher: how the running model was loaded, and the runtime that rolls out. */
export interface Watched {
  /** The inputs of the running model: a spec edit is loaded from them again, the spec file as it is now. */
  inputs: ModelInputs;
  runtime: AppRuntime;
}

export async function watchApp({ inputs, runtime }: Watched, emit: (e: AppEvent) => void): Promise<FSWatcher> {
  const specFile = inputs.file;
  const buildable = () =>
    runtime.model.components.filter(
      (c) => (c.kind === 'service' || c.kind === 'worker') && c.build.kind === 'dockerfile',
    );
  const contexts = new Map<string, { dir: string; ig: Ignore }>();
  for (const c of buildable()) {
    const dir = (c.build as { context: string }).context;
    const file = path.join(dir, '.dockerignore');
    contexts.set(c.name, {
      dir,
      ig: dockerignore({ ignorecase: false }).add(existsSync(file) ? readFileSync(file, 'utf8') : ''),
    });
  }
  const ignored = (p: string) => {
    if (p === specFile) return false;
    const owners = [...contexts.values()].filter(({ dir }) => p === dir || p.startsWith(dir + path.sep));
    return (
      owners.length > 0 &&
      owners.every(({ dir, ig }) => {
        const rel = path.relative(dir, p).split(path.sep).join('/');
        return rel !== '' && (EDITOR_TEMP.test(rel) || ig.ignores(rel));
      })
    );
  };
  const watcher = watch([...new Set([...contexts.values()].map((x) => x.dir)), specFile], {
    ignored,
    ignoreInitial: true,
    awaitWriteFinish: false,
  });

  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let busy = Promise.resolve();
  const flush = () => {
    const changed = pending;
    pending = new Set();
    busy = busy.then(() => apply(changed)).catch(() => undefined);
  };
  watcher.on('all', (_event, p) => {
    if (ignored(p)) return;
    pending.add(p);
    clearTimeout(timer);
    timer = setTimeout(flush, DEBOUNCE_MS);
  });

  const roll = async (c: ComponentModel, why: string) => {
    const t0 = Date.now();
    emit({ type: 'watch', ok: true, message: `${why}: rebuilding ${c.name}` });
    try {
      await runtime.replace(c);
      emit({ type: 'watch', ok: true, message: `${c.name} rolled out in ${((Date.now() - t0) / 1000).toFixed(1)}s` });
    } catch (err) {
      const e = err as Error & { details?: string; hint?: string };
      emit({
        type: 'watch',
        ok: false,
        message: `${c.name} not rolled out, the old instances keep serving: ${e.message}${e.details ? `\n${e.details}` : ''}${e.hint ? `\nfix: ${e.hint}` : ''}`,
      });
    }
  };

  async function apply(changed: Set<string>) {
    if (changed.has(specFile)) {
      const r = loadModel(inputs);
      emit({ type: 'diagnostics', diagnostics: r.diagnostics });
      if (!r.ok || !r.model)
        return emit({
          type: 'watch',
          ok: false,
          message: 'the spec changed and is invalid; nothing was redeployed (see above)',
        });
      const next = r.model;
      const d = diffModels(runtime.model, next);
      const kind = (name: string) => next.components.find((c) => c.name === name)!.kind;
      const rollable = d.changed.filter((n) => kind(n) === 'service' || kind(n) === 'worker');
      const unapplied = [
        ...d.added.map((n) => `${n} added`),
        ...d.removed.map((n) => `${n} removed`),
        ...d.changed.filter((n) => !rollable.includes(n)).map((n) => `${kind(n)} ${n} changed`),
        ...(d.routes ? ['routes changed'] : []),
        ...(d.databases ? ['databases changed'] : []),
      ];
      if (unapplied.length)
        emit({
          type: 'watch',
          ok: false,
          message: `${unapplied.join(', ')}: restart up to apply ${unapplied.length > 1 ? 'them' : 'it'}`,
        });
      else if (!rollable.length) emit({ type: 'watch', ok: true, message: 'the spec changed; no component changed' });
      for (const n of rollable)
        await roll(
          next.components.find((c) => c.name === n)!,
          'spec changed',
        );
      return;
    }
    for (const c of buildable()) {
      const ctx = contexts.get(c.name)!;
      const hit = [...changed].find((p) => p.startsWith(ctx.dir + path.sep));
      if (hit) await roll(c, `${path.relative(ctx.dir, hit)} changed`);
    }
  }

  await new Promise<void>((r) => watcher.once('ready', () => r()));
  return watcher;
}
