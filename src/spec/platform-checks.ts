/**
 * The rules that read the platform profile: instance sizes it sells, sizes it runs one instance of, and the
 * engines it offers as dev databases. The data is the profile's, so another platform's profile gets its own rules.
 */
import type { Profile } from '../profile/profile.js';
import type { Severity } from './diagnostics.js';
import type { AppSpec } from './schema.js';
import { COMPONENT_WORD } from './kinds.js';
import { describeSize, nearestSize, readSlug } from './sizes.js';
import type { PathItem } from './source.js';

export type Emit = (
  severity: Severity,
  code: string,
  path: PathItem[],
  message: string,
  hint?: string,
  keyNode?: boolean,
) => void;

export function checkPlatform(spec: AppSpec, profile: Profile, emit: Emit): void {
  const bySlug = new Map(profile.instance_sizes.map((s) => [s.slug, s]));
  for (const list of ['services', 'workers', 'jobs'] as const) {
    spec[list]?.forEach((c, i) => {
      const slug = c.instance_size_slug;
      if (slug !== undefined && !bySlug.has(slug)) {
        emit('error', 'unknown-size', [list, i, 'instance_size_slug'], ...unknownSize(slug, profile));
        return;
      }
      // More than one instance of a size the platform runs one instance of.
      const size = bySlug.get(slug ?? profile.default_instance_size);
      const scaled = 'autoscaling' in c ? c.autoscaling : undefined;
      const count = Math.max(c.instance_count ?? 1, scaled?.max_instance_count ?? 1);
      if (!size?.single_instance_only || count <= 1) return;
      const path: PathItem[] =
        c.instance_count !== undefined && c.instance_count > 1
          ? [list, i, 'instance_count']
          : [list, i, 'autoscaling', 'max_instance_count'];
      const scalable = nearestSize(profile, { ...size, reading: size.slug }, { scalableOnly: true });
      const fix = `set ${path.at(-1)} to 1, or pick a size that scales${scalable ? `: the nearest is ${describeSize(scalable)}` : ''}`;
      if (slug !== undefined)
        emit(
          'error',
          'single-instance-size',
          path,
          `${COMPONENT_WORD[list]} "${c.name}" asks for ${count} instances of ${slug}, a size ${profile.title} runs one instance of`,
          fix,
        );
      else
        // The default size is single-instance, but whether the platform refuses a count without a size or picks
        // another size for it is not documented (app-platform.md §2.9): say so rather than fail the spec.
        emit(
          'warning',
          'single-instance-size',
          path,
          `${COMPONENT_WORD[list]} "${c.name}" asks for ${count} instances and names no instance_size_slug; the default size ${size.slug} is one ${profile.title} runs one instance of, and what the platform does with this spec is not documented`,
          `name a size that scales${scalable ? `, e.g. instance_size_slug: ${scalable.slug}` : ''}`,
        );
    });
  }

  // Dev databases (no `production: true`) of an engine the platform offers none of.
  const devEngines = profile.dev_database_engines;
  if (devEngines)
    spec.databases?.forEach((d, i) => {
      if (d.production || devEngines.includes(d.engine)) return;
      const offered = devEngines.filter((e) => e !== 'UNSET').join(', ');
      emit(
        'error',
        'dev-database-engine',
        ['databases', i, d.engine === 'UNSET' ? 'name' : 'engine'],
        `database "${d.name}" is a dev database (it does not set production: true) of engine ${d.engine}, and ${profile.title} offers dev databases for ${offered} only`,
        `for ${d.engine}, create a managed cluster and set production: true with cluster_name: <its name>; or use engine: ${devEngines[0]}`,
      );
    });
}

/** The message and hint for a slug the profile does not list: the nearest size by memory and CPU. */
function unknownSize(slug: string, profile: Profile): [string, string] {
  const message = `instance_size_slug "${slug}" is not an instance size of ${profile.title}`;
  const wish = readSlug(slug, profile);
  const near = wish && nearestSize(profile, wish, { written: slug });
  if (wish && near) return [message, `${wish.reading}; the nearest size by memory and CPU is ${describeSize(near)}`];
  const current = profile.instance_sizes.filter((s) => !s.deprecated).map((s) => s.slug);
  return [message, `use one of ${current.join(', ')}`];
}
