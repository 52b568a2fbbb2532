/**
 * The rules the platform checks beyond the schema: unique names, one route per path, references that resolve,
 * instance_count vs autoscaling, exactly one source, job schedules, and the profile's rules (platform-checks.ts).
 * Every rule adds located diagnostics; none stops the others.
 */
import type { Profile } from '../profile/profile.js';
import { nearest, type Diagnostic } from './diagnostics.js';
import { checkPlatform, type Emit } from './platform-checks.js';
import { COMPONENT_LISTS, COMPONENT_WORD as WORD } from './kinds.js';
import { APP_BINDABLES, COMPONENT_BINDABLES, DATABASE_BINDABLES, references } from './bindables.js';
import type { AppSpec } from './schema.js';
import { locate, pathString, type PathItem, type SpecSource } from './source.js';

const SOURCES = ['git', 'github', 'gitlab', 'bitbucket', 'image'] as const;

export function checkSemantics(source: SpecSource, spec: AppSpec, profile: Profile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const emit: Emit = (severity, code, path, message, hint, keyNode = false) =>
    out.push({
      file: source.file,
      ...locate(source, path, keyNode),
      path: pathString(path),
      severity,
      code,
      message,
      ...(hint ? { hint } : {}),
    });
  const lineOf = (path: PathItem[]) => locate(source, path).line;

  // Names: unique across every kind of component, databases included.
  // In document order, so the second occurrence is the one reported.
  const named = COMPONENT_LISTS.flatMap((list) =>
    (spec[list] ?? []).map((c, i) => ({ list, i, name: c.name, line: lineOf([list, i]) })),
  );
  const seen = new Map<string, { kind: string; line: number }>();
  for (const c of named.sort((a, b) => a.line - b.line)) {
    const prev = seen.get(c.name);
    if (prev)
      emit(
        'error',
        'duplicate-name',
        [c.list, c.i, 'name'],
        `the name "${c.name}" is already used by the ${prev.kind} on line ${prev.line}`,
        'component names must be unique across services, workers, jobs, static sites, functions and databases',
      );
    else seen.set(c.name, { kind: WORD[c.list], line: c.line });
  }

  // Sources: exactly one of git/github/gitlab/bitbucket/image per buildable component.
  for (const list of ['services', 'workers', 'jobs', 'static_sites'] as const) {
    spec[list]?.forEach((c, i) => {
      const given = SOURCES.filter((s) => (c as Record<string, unknown>)[s] !== undefined);
      if (given.length > 1)
        emit(
          'error',
          'many-sources',
          [list, i, given[1]!],
          `${WORD[list]} "${c.name}" has ${given.length} sources (${given.join(', ')}); a component has exactly one`,
          `keep one of ${given.join(', ')}`,
          true,
        );
      if (list === 'static_sites' && given.includes('image'))
        emit(
          'error',
          'bad-source',
          [list, i, 'image'],
          `static site "${c.name}" cannot use an image source`,
          'build it from git, github or gitlab',
          true,
        );
    });
  }

  // Routes: one component per path across deprecated routes and ingress rules.
  const routes = new Map<string, { owner: string; line: number }>();
  const claim = (prefix: string, owner: string, path: PathItem[]) => {
    const key = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
    const prev = routes.get(key);
    if (prev && prev.owner !== owner)
      emit(
        'error',
        'duplicate-route',
        path,
        `the route "${prefix}" is already served by "${prev.owner}" on line ${prev.line}`,
        'give each component its own path prefix',
      );
    else if (!prev) routes.set(key, { owner, line: lineOf(path) });
    if (!prefix.startsWith('/'))
      emit('error', 'bad-route', path, `route path "${prefix}" must start with "/"`, `write "/${prefix}"`);
  };
  for (const list of ['services', 'static_sites', 'functions'] as const)
    spec[list]?.forEach((c, i) =>
      c.routes?.forEach((r, j) => r.path !== undefined && claim(r.path, c.name, [list, i, 'routes', j, 'path'])),
    );
  const routable = new Set(
    [...(spec.services ?? []), ...(spec.static_sites ?? []), ...(spec.functions ?? [])].map((c) => c.name),
  );
  spec.ingress?.rules?.forEach((rule, i) => {
    const prefix = rule.match?.path?.prefix ?? undefined;
    if (rule.component && rule.redirect)
      emit(
        'error',
        'rule-target',
        ['ingress', 'rules', i],
        'an ingress rule routes to a component or redirects, not both',
        'split it into two rules',
      );
    if (!rule.component && !rule.redirect)
      emit(
        'error',
        'rule-target',
        ['ingress', 'rules', i],
        'an ingress rule needs a component or a redirect',
        'add component: {name: ...}',
      );
    if (rule.component) {
      const target = rule.component.name;
      if (!routable.has(target)) {
        const guess = nearest(target, [...routable]);
        emit(
          'error',
          'bad-reference',
          ['ingress', 'rules', i, 'component', 'name'],
          `ingress rule routes to "${target}", but no service, static site or functions component has that name`,
          guess ? `did you mean "${guess}"?` : 'name a service, static site or functions component',
        );
      }
      if (rule.component.rewrite !== undefined && rule.component.preserve_path_prefix)
        emit(
          'error',
          'rule-rewrite',
          ['ingress', 'rules', i, 'component', 'rewrite'],
          'rewrite and preserve_path_prefix cannot both be set',
          'keep one of them',
        );
      if (prefix !== undefined && prefix !== null && !rule.match?.authority)
        claim(prefix, target, ['ingress', 'rules', i, 'match', 'path', 'prefix']);
    }
  });

  // Scaling; sizes, single-instance sizes and dev databases are the profile's (platform-checks.ts).
  checkPlatform(spec, profile, emit);
  for (const list of ['services', 'workers', 'jobs'] as const) {
    spec[list]?.forEach((c, i) => {
      const scaled = 'autoscaling' in c ? c.autoscaling : undefined;
      if (scaled && c.instance_count !== undefined)
        emit(
          'warning',
          'count-and-autoscaling',
          [list, i, 'instance_count'],
          `${WORD[list]} "${c.name}" sets both instance_count and autoscaling; autoscaling decides the count`,
          'remove instance_count; autoscaling sets min_instance_count and max_instance_count',
          true,
        );
      if (
        scaled?.min_instance_count !== undefined &&
        scaled.max_instance_count !== undefined &&
        scaled.min_instance_count > scaled.max_instance_count
      )
        emit(
          'error',
          'autoscaling-range',
          [list, i, 'autoscaling', 'min_instance_count'],
          'min_instance_count is larger than max_instance_count',
          'swap them',
        );
    });
  }

  // Jobs: SCHEDULED needs a cron schedule, and only SCHEDULED jobs have one.
  spec.jobs?.forEach((j, i) => {
    if (j.kind === 'SCHEDULED' && !j.schedule)
      emit(
        'error',
        'missing-schedule',
        [i === undefined ? 'jobs' : 'jobs', i, 'kind'],
        `job "${j.name}" is SCHEDULED but has no schedule`,
        'add schedule: {cron: "0 * * * *", time_zone: UTC}',
      );
    if (j.schedule && j.kind !== 'SCHEDULED')
      emit(
        'error',
        'schedule-kind',
        ['jobs', i, 'schedule'],
        `job "${j.name}" has a schedule but its kind is ${j.kind}`,
        'set kind: SCHEDULED',
        true,
      );
    if (j.schedule && j.schedule.cron.trim().split(/\s+/).length !== 5 && !j.schedule.cron.trim().startsWith('@'))
      emit(
        'error',
        'bad-cron',
        ['jobs', i, 'schedule', 'cron'],
        `cron "${j.schedule.cron}" must have five fields (minute hour day month weekday)`,
        'for example "*/15 * * * *"',
      );
  });

  checkReferences(spec, emit);
  return out;
}

/**
 * Every `${...}` in an env value should name something that exists. Only what the platform is known to refuse is an
 * error (`_self` outside a component, a database field no database offers); the rest is a warning.
 */
function checkReferences(spec: AppSpec, emit: Emit) {
  const components = new Map<string, Set<string>>();
  for (const list of ['services', 'workers', 'jobs', 'static_sites', 'functions'] as const)
    spec[list]?.forEach((c) => components.set(c.name, new Set((c.envs ?? []).map((e) => e.key))));
  const databases = new Set((spec.databases ?? []).map((d) => d.name));
  const appKeys = new Set((spec.envs ?? []).map((e) => e.key));
  const scopes = [...components.keys(), ...databases, '_self'];

  const check = (value: string | undefined, path: PathItem[], self?: string, envScope?: string) => {
    if (value === undefined) return;
    for (const ref of references(value)) {
      if (ref.scope === undefined) {
        if ((APP_BINDABLES as readonly string[]).includes(ref.name) || appKeys.has(ref.name)) continue;
        // Many real specs are templates that CI fills with envsubst before deploying; say so, don't fail.
        emit(
          'warning',
          'unresolved-reference',
          path,
          `${ref.raw} is neither an app-wide bindable (${APP_BINDABLES.join(', ')}) nor an app-level env, so the platform leaves it as written`,
          'declare it under the top-level envs, or substitute it (envsubst) before deploying',
        );
        continue;
      }
      if (ref.scope === '_self' && self === undefined) {
        emit(
          'error',
          'bad-reference',
          path,
          `${ref.raw} uses _self outside a component`,
          'name the component instead of _self',
        );
        continue;
      }
      const scope = ref.scope === '_self' ? self! : ref.scope;
      if (databases.has(scope)) {
        const field = ref.name.split('.').at(-1)!;
        if (!(DATABASE_BINDABLES as readonly string[]).includes(field))
          emit(
            'error',
            'bad-reference',
            path,
            `${ref.raw}: databases offer ${DATABASE_BINDABLES.slice(0, 8).join(', ')}, not ${field}`,
            `did you mean ${nearest(field, DATABASE_BINDABLES) ?? 'DATABASE_URL'}?`,
          );
        // "Database values are not available during build time" (app-platform.md §1.12): the build sees the text.
        else if (envScope === 'BUILD_TIME')
          emit(
            'warning',
            'database-at-build',
            path,
            `${ref.raw} is in a BUILD_TIME env, but database values exist at deploy and run time only: the build gets the text as written and has no route to the database`,
            'use scope RUN_TIME and move database work (migrations, prisma migrate) to a PRE_DEPLOY job',
          );
        continue;
      }
      // The two cases below are warnings, as the unscoped one above: the platform documents ${component.VAR} for
      // its own components only and does not say what it does with one it cannot resolve (app-platform.md §1.12,
      // UNCERTAIN), so rehearse leaves the text as written and says so rather than fail a spec that may deploy.
      const keys = components.get(scope);
      if (!keys) {
        const guess = nearest(scope, scopes);
        emit(
          'warning',
          'unresolved-reference',
          path,
          `${ref.raw} refers to "${scope}", which is no component or database of this app: App Platform resolves \${NAME.VAR} for the app's own components; what it does with other names is not documented, and rehearse leaves the text as written`,
          guess
            ? `did you mean "${guess}"?`
            : 'name a component or database of this app, or substitute it (envsubst) before deploying',
        );
        continue;
      }
      if (!(COMPONENT_BINDABLES as readonly string[]).includes(ref.name) && !keys.has(ref.name))
        emit(
          'warning',
          'unresolved-reference',
          path,
          `${ref.raw}: component "${scope}" offers no bindable or env named ${ref.name}: App Platform documents ${COMPONENT_BINDABLES.slice(0, 6).join(', ')} and the component's own env keys; what it does with other names is not documented, and rehearse leaves the text as written`,
          `use one of ${COMPONENT_BINDABLES.slice(0, 6).join(', ')}, or an env key of "${scope}"`,
        );
    }
  };
  spec.envs?.forEach((e, i) => check(e.value, ['envs', i, 'value'], undefined, e.scope));
  for (const list of ['services', 'workers', 'jobs', 'static_sites', 'functions'] as const)
    spec[list]?.forEach((c, i) =>
      c.envs?.forEach((e, j) => check(e.value, [list, i, 'envs', j, 'value'], c.name, e.scope)),
    );
}
