/**
 * A component the platform builds with a buildpack that rehearse's stand-in does not carry (php, ruby, hugo,
 * ...): valid for App Platform, refused by `up` (BUILD_UNSUPPORTED), so `validate` says so (as information) before
 * a build.
 */
import type { Lint } from './index.js';
import { locate } from '../source.js';

/** The slugs src/runtime/buildpacks builds. */
const BUILT = new Set(['node-js', 'nodejs', 'python', 'go', 'golang', 'html']);
const LISTS = ['services', 'workers', 'jobs', 'static_sites'] as const;

export const buildpackSlug: Lint = (source, spec, model) =>
  model.components.flatMap((c) => {
    const slug = c.build.kind === 'buildpack' ? c.build.environmentSlug : undefined;
    if (!slug || BUILT.has(slug)) return [];
    const list = LISTS.find((l) => spec[l]?.some((x) => x.name === c.name));
    const i = list ? spec[list]!.findIndex((x) => x.name === c.name) : -1;
    const at = list ? locate(source, [list, i, 'environment_slug']) : { line: c.line, column: 1 };
    // Not a trap in the app (the lints stay silent on real specs): a limit of rehearse, said before `up` meets it.
    return [
      {
        file: source.file,
        ...at,
        path: `${list ?? 'services'}.${i}.environment_slug`,
        severity: 'info' as const,
        code: 'rehearse/buildpack-unsupported',
        message: `${c.name} is built by App Platform's ${slug} buildpack, which rehearse does not reproduce: up will refuse it`,
        hint: `add a Dockerfile to ${c.name}'s source_dir and set dockerfile_path (App Platform builds it too); rehearse builds node-js, python, go and static sites as their buildpacks do`,
      },
    ];
  });
