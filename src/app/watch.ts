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
import { loadSpec } from '../spec/index.js';
import type { ComponentModel } from '../spec/model.js';
import { internals } from './internals.js';
import type { AppEvent, RunningApp } from './types.js';

const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as (o: { ignorecase: boolean }) => Ignore;
const EDITOR_TEMP = /(^|\/)(\.git|\.#.*|#.*#|.*~|.*\.sw[px]|\.DS_Store)(\/|$)/;
const DEBOUNCE_MS = 200;

export async function watchApp(app: RunningApp, emit: (e: AppEvent) => void): Promise<FSWatcher> {
  const inner = internals.get(app)!;
  const buildable = () =>
    inner.runtime.model.components.filter(
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
    if (p === app.specFile) return false;
    const owners = [...contexts.values()].filter(({ dir }) => p === dir || p.startsWith(dir + path.sep));
    return (
      owners.length > 0 &&
      owners.every(({ dir, ig }) => {
        const rel = path.relative(dir, p).split(path.sep).join('/');
        return rel !== '' && (EDITOR_TEMP.test(rel) || ig.ignores(rel));
      })
    );
  };
  const watcher = watch([...new Set([...contexts.values()].map((x) => x.dir)), app.specFile], {
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
      await inner.runtime.replace(c);
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
    if (changed.has(app.specFile)) {
      const r = loadSpec(app.specFile, {
        profile: inner.profile,
        strictSecrets: true,
        checkFiles: true,
        appUrl: app.routerUrl,
      });
      emit({ type: 'diagnostics', diagnostics: r.diagnostics });
      if (!r.ok || !r.model)
        return emit({
          type: 'watch',
          ok: false,
          message: 'the spec changed and is invalid; nothing was redeployed (see above)',
        });
      const before = new Map(inner.runtime.model.components.map((c) => [c.name, JSON.stringify(c)]));
      const added = r.model.components.filter((c) => !before.has(c.name)).map((c) => c.name);
      const removed = [...before.keys()].filter((n) => !r.model!.components.some((c) => c.name === n));
      if (
        added.length ||
        removed.length ||
        JSON.stringify(r.model.routes) !== JSON.stringify(inner.runtime.model.routes)
      )
        emit({
          type: 'watch',
          ok: false,
          message: `components or routes were added or removed (${[...added, ...removed].join(', ') || 'routes'}): restart up to apply them`,
        });
      for (const c of r.model.components)
        if (
          before.has(c.name) &&
          before.get(c.name) !== JSON.stringify(c) &&
          (c.kind === 'service' || c.kind === 'worker')
        )
          await roll(c, 'spec changed');
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
