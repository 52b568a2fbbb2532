/**
 * Turns a valid spec into the AppModel: paths resolved against the repository root, env split by scope with
 * bindables substituted, platform defaults filled in from the profile, routes ordered for matching.
 */
import path from 'node:path';
import type { Profile } from '../profile/profile.js';
import {
  appDomain,
  carriesDatabasePassword,
  databaseValue,
  references,
  substitute,
  type Reference,
} from './bindables.js';
import type { Diagnostic } from './diagnostics.js';
import { BUILT_LISTS } from './kinds.js';
import type {
  AppModel,
  BuildRecipe,
  ComponentKind,
  ComponentModel,
  CorsModel,
  DatabaseModel,
  EnvEntry,
  RouteModel,
} from './model.js';
import type { AppSpec, EnvVarSpec, HealthCheckSpec } from './schema.js';
import { locate, pathString, type PathItem, type SpecSource } from './source.js';
import { inRepo } from './repo-path.js';
import type { z } from 'zod';
import type { Cors, ImageSource } from './schema.js';

export interface NormalizeContext {
  source: SpecSource;
  profile: Profile;
  root: string;
  /** Local values for secrets and EV[...] values: options, then `.env`, then the process environment. */
  secrets: {
    values: Record<string, string>;
    dotenv: Record<string, string>;
    environment: Record<string, string | undefined>;
  };
  /** The router's URL, for ${APP_URL}; known once the router listens. */
  appUrl: string;
  /** `up` needs every secret; `validate` only warns. */
  strictSecrets: boolean;
  /** The running databases' credentials (password, project CA), by database name; placeholders without. */
  databases?: Record<string, { password: string; caCert: string }>;
}

// A profile without a `databases` section still shapes the bindables as App Platform does.
const DO_DATABASE_PORTS = { port: 25060, pool_port: 25061, redis_tls_port: 25061 };

type Raw = { name: string; envs?: EnvVarSpec[] | undefined } & Record<string, unknown>;

export function normalize(spec: AppSpec, ctx: NormalizeContext): { model: AppModel; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { profile, source } = ctx;
  const loc = (p: PathItem[]) => ({ file: source.file, ...locate(source, p) });
  const missing = new Set<string>();

  const localValue = (e: EnvVarSpec, p: PathItem[]): { value: string; origin: EnvEntry['origin'] } => {
    const needsLocal = e.value === undefined ? e.type === 'SECRET' : e.value.startsWith('EV[');
    if (!needsLocal) return { value: e.value ?? '', origin: 'spec' };
    const { values, dotenv, environment } = ctx.secrets;
    if (values[e.key] !== undefined) return { value: values[e.key]!, origin: 'environment' };
    if (dotenv[e.key] !== undefined) return { value: dotenv[e.key]!, origin: 'dotenv' };
    if (environment[e.key] !== undefined) return { value: environment[e.key]!, origin: 'environment' };
    // Once per key, however many components share it. A SECRET without a value is how a committed spec looks (the
    // value lives in the platform), so for `validate` it is information about the local run; `up` needs the value.
    if (!missing.has(e.key))
      diagnostics.push({
        ...loc(p),
        path: pathString(p),
        severity: ctx.strictSecrets ? 'error' : 'info',
        code: 'missing-secret',
        message: ctx.strictSecrets
          ? `${e.key} is ${e.value === undefined ? 'a SECRET with no value' : 'encrypted (EV[...]) in the spec'} and has no local value`
          : `${e.key} is ${e.value === undefined ? 'a SECRET whose value lives in the platform' : 'encrypted (EV[...]) in the spec'}; a local run needs its value`,
        hint: `put ${e.key}=... in ${path.join(path.relative(process.cwd(), ctx.root) || '.', '.env')} or export it in your shell`,
      });
    missing.add(e.key);
    return { value: '', origin: 'missing' };
  };

  // Raw component list with their spec paths.
  const raws: { raw: Raw; kind: ComponentKind; p: PathItem[] }[] = [];
  for (const [list, kind] of BUILT_LISTS)
    (spec[list] as Raw[] | undefined)?.forEach((raw, i) => raws.push({ raw, kind, p: [list, i] }));

  const httpPortOf = (raw: Raw, kind: ComponentKind) =>
    kind === 'service'
      ? ((raw.http_port as number | undefined) ?? (raw.internal_ports ? undefined : profile.port.default_http_port))
      : undefined;
  const routes = buildRoutes(spec, source);
  const routeOf = (name: string) => routes.find((r) => r.component === name)?.prefix;

  // First pass: literal values, so ${web.SOME_KEY} can be resolved in the second.
  const literal = new Map<string, Map<string, string>>();
  const appEnv = (spec.envs ?? []).map((e, i) => ({ e, ...localValue(e, ['envs', i]) }));
  const compEnv = raws.map(({ raw, p }) =>
    (raw.envs ?? []).map((e, j) => ({ e, ...localValue(e, [...p, 'envs', j]) })),
  );
  raws.forEach(({ raw }, i) => literal.set(raw.name, new Map(compEnv[i]!.map((x) => [x.e.key, x.value]))));
  const appLiteral = new Map(appEnv.map((x) => [x.e.key, x.value]));
  const databases = databaseModels(
    spec,
    ctx,
    [...appEnv, ...compEnv.flat()].map((x) => x.value),
  );
  const databaseNames = new Set(databases.map((d) => d.name));

  // Production's forms where the profile describes its edge: https://<domain>, no port.
  const edge = ctx.profile.edge_request;
  const domain = edge ? appDomain(spec.name, spec.domains, edge.default_domain) : undefined;
  const appUrl = domain ? `${edge!.scheme}://${domain}` : ctx.appUrl;
  const lookup =
    (self: string, build = false) =>
    (ref: Reference): string | undefined => {
      if (ref.scope === undefined) {
        if (ref.name === 'APP_URL') return appUrl;
        if (ref.name === 'APP_DOMAIN') return domain ?? new URL(ctx.appUrl).host;
        if (ref.name === 'APP_ID') return `local-${spec.name}`;
        return appLiteral.get(ref.name);
      }
      const scope = ref.scope === '_self' ? self : ref.scope;
      const db = databases.find((d) => d.name === scope);
      // "Database values are not available during build time": a build sees the reference as written.
      if (db) return build ? undefined : databaseValue(db, ref.name, profile.databases ?? DO_DATABASE_PORTS);
      const target = raws.find((r) => r.raw.name === scope);
      if (!target) return undefined;
      // An internal-only service is reached on its first internal port.
      const port = httpPortOf(target.raw, target.kind) ?? (target.raw.internal_ports as number[] | undefined)?.[0];
      switch (ref.name) {
        case 'PRIVATE_DOMAIN':
          return scope;
        case 'PRIVATE_PORT':
          return port === undefined ? undefined : String(port);
        case 'PRIVATE_URL':
          return port === undefined ? `http://${scope}` : `http://${scope}:${port}`;
        case 'PUBLIC_ROUTE_PATH':
          return routeOf(scope) ?? '';
        case 'PUBLIC_URL':
          return appUrl.replace(/\/$/, '') + (routeOf(scope) ?? '/');
        case 'COMMIT_HASH':
        case 'BUILD_ID':
          return 'local';
        default:
          return literal.get(scope)?.get(ref.name);
      }
    };

  const components: ComponentModel[] = raws.map(({ raw, kind, p }, i) => {
    const resolve = (x: { e: EnvVarSpec; value: string; origin: EnvEntry['origin'] }, build = false): EnvEntry => ({
      key: x.e.key,
      value: substitute(x.value, lookup(raw.name, build)),
      secret: x.e.type === 'SECRET' || carriesDatabasePassword(x.value, databaseNames),
      origin: x.origin,
    });
    const merged = new Map<string, { e: EnvVarSpec; value: string; origin: EnvEntry['origin']; app: boolean }>();
    for (const x of appEnv) merged.set(x.e.key, { ...x, origin: x.origin === 'spec' ? 'app' : x.origin, app: true });
    for (const x of compEnv[i]!) merged.set(x.e.key, { ...x, app: false }); // the component-level variable wins
    const all = [...merged.values()];
    const atRun = (s: string) => s !== 'BUILD_TIME';
    const atBuild = (s: string) => s !== 'RUN_TIME';
    const httpPort = httpPortOf(raw, kind);
    const env = all.filter((x) => atRun(x.e.scope)).map((x) => resolve(x));
    if (httpPort !== undefined && !env.some((e) => e.key === profile.port.env))
      env.push({ key: profile.port.env, value: String(httpPort), secret: false, origin: 'platform' });
    const sizeSlug = (raw.instance_size_slug as string | undefined) ?? profile.default_instance_size;
    const size =
      profile.instance_sizes.find((s) => s.slug === sizeSlug) ??
      profile.instance_sizes.find((s) => s.slug === profile.default_instance_size)!;
    const autoscaling = raw.autoscaling as { min_instance_count?: number } | undefined;
    const termination = raw.termination as { drain_seconds?: number; grace_period_seconds?: number } | undefined;
    const model: ComponentModel = {
      name: raw.name,
      kind,
      line: locate(source, p).line,
      build: buildRecipe(raw, ctx.root),
      env,
      buildEnv: all.filter((x) => atBuild(x.e.scope)).map((x) => resolve(x, true)),
      buildOnlyKeys: all.filter((x) => x.e.scope === 'BUILD_TIME').map((x) => x.e.key),
      runOnlyKeys: all.filter((x) => x.e.scope === 'RUN_TIME').map((x) => x.e.key),
      internalPorts: (raw.internal_ports as number[] | undefined) ?? [],
      size,
      instanceCount: (raw.instance_count as number | undefined) ?? autoscaling?.min_instance_count ?? 1,
      drainSeconds: termination?.drain_seconds ?? profile.termination.drain_seconds,
      graceSeconds: termination?.grace_period_seconds ?? profile.termination.grace_period_seconds,
    };
    if (raw.build_command) model.buildCommand = raw.build_command as string;
    if (raw.run_command) model.runCommand = raw.run_command as string;
    if (httpPort !== undefined) {
      model.httpPort = httpPort;
      model.health = healthCheck(raw.health_check as HealthCheckSpec | undefined, httpPort, profile);
    }
    const live = raw.liveness_health_check as HealthCheckSpec | undefined;
    // A worker has no http_port: its liveness check needs a port of its own (the platform requires one).
    const livePort = live?.port ?? httpPort;
    if (profile.liveness && livePort !== undefined && (kind === 'service' || kind === 'worker'))
      model.liveness = healthCheck(live, livePort, { health: profile.liveness });
    if (kind === 'job') {
      model.jobKind = raw.kind as ComponentModel['jobKind'];
      const schedule = raw.schedule as { cron: string; time_zone?: string } | undefined;
      if (schedule)
        model.schedule = { cron: schedule.cron, ...(schedule.time_zone ? { timeZone: schedule.time_zone } : {}) };
    }
    if (kind === 'static_site') {
      model.staticSite = {
        indexDocument: (raw.index_document as string | undefined) ?? 'index.html',
        errorDocument: (raw.error_document as string | undefined) ?? '404.html',
        ...(raw.output_dir ? { outputDir: raw.output_dir as string } : {}),
        ...(raw.catchall_document ? { catchallDocument: raw.catchall_document as string } : {}),
      };
    }
    return model;
  });

  const notEmulated: string[] = [];
  if (spec.functions?.length)
    notEmulated.push(`functions (${spec.functions.map((f) => f.name).join(', ')}): not emulated`);
  // `up` runs them and reports each one itself; other commands only shape the bindables.
  if (spec.databases?.length && !ctx.databases)
    notEmulated.push(
      `databases (${spec.databases.map((d) => `${d.name}: ${d.engine}`).join(', ')}): run by up; here their bindables have production's shape and a placeholder password`,
    );
  if (spec.domains?.length)
    notEmulated.push(
      'domains: DNS and certificates not emulated; the app sees its domain as Host, served on 127.0.0.1',
    );
  if (spec.alerts?.length || raws.some((r) => r.raw.alerts)) notEmulated.push('alerts: no local effect');
  if (spec.features?.length) notEmulated.push(`features (${spec.features.join(', ')}): no local effect`);
  if (spec.egress) notEmulated.push('egress: no local effect');
  if (spec.maintenance) notEmulated.push('maintenance: no local effect');
  if (raws.some((r) => r.raw.log_destinations)) notEmulated.push('log_destinations: logs stay local');
  if (raws.some((r) => r.raw.autoscaling)) notEmulated.push('autoscaling: runs min_instance_count instances');

  return {
    model: {
      name: spec.name,
      ...(domain ? { domain, domains: (spec.domains ?? []).map((d) => d.domain.toLowerCase()) } : {}),
      file: source.file,
      root: ctx.root,
      components,
      databases,
      routes,
      notEmulated,
      diagnostics,
    },
    diagnostics,
  };
}

/** The spec's databases with the user, database and pools their bindables name, and credentials once known. */
function databaseModels(spec: AppSpec, ctx: NormalizeContext, envValues: string[]): DatabaseModel[] {
  const admin = ctx.profile.databases?.admin_user ?? 'doadmin';
  const defaultDb = ctx.profile.databases?.default_database ?? 'defaultdb';
  return (spec.databases ?? []).map((d, i) => {
    const pools = new Set<string>();
    for (const v of envValues)
      for (const r of references(v))
        if (r.scope === d.name && r.name.includes('.')) pools.add(r.name.slice(0, r.name.lastIndexOf('.')));
    const creds = ctx.databases?.[d.name];
    return {
      name: d.name,
      engine: d.engine === 'UNSET' ? 'PG' : d.engine,
      production: d.production ?? false,
      line: locate(ctx.source, ['databases', i]).line,
      user: d.db_user ?? admin,
      database: d.db_name ?? defaultDb,
      pools: [...pools],
      ...(d.version ? { version: d.version } : {}),
      ...(d.size ? { size: d.size } : {}),
      ...(creds ? { password: creds.password, caCert: creds.caCert } : {}),
    };
  });
}

function buildRecipe(raw: Raw, root: string): BuildRecipe {
  const image = raw.image as z.output<typeof ImageSource> | undefined;
  if (image) return { kind: 'image', image: imageRef(image) };
  const context = inRepo(root, raw.source_dir as string | undefined);
  const dockerfile = raw.dockerfile_path as string | undefined;
  if (dockerfile) return { kind: 'dockerfile', context, dockerfile: inRepo(root, dockerfile), args: {} };
  return {
    kind: 'buildpack',
    context,
    ...(raw.environment_slug ? { environmentSlug: raw.environment_slug as string } : {}),
  };
}

export function imageRef(image: z.output<typeof ImageSource>): string {
  const repo = image.repository ?? '';
  const base =
    image.registry_type === 'DOCR'
      ? `registry.digitalocean.com/${image.registry}/${repo}`
      : image.registry_type === 'GHCR'
        ? `ghcr.io/${image.registry}/${repo}`
        : image.registry
          ? `${image.registry}/${repo}`
          : repo;
  return image.digest ? `${base}@${image.digest}` : `${base}:${image.tag ?? 'latest'}`;
}

function healthCheck(h: HealthCheckSpec | undefined, httpPort: number, profile: Pick<Profile, 'health'>) {
  const d = profile.health;
  const httpPath = h?.http_path ?? h?.path;
  return {
    kind: httpPath ? ('http' as const) : ('tcp' as const),
    ...(httpPath ? { path: httpPath } : {}),
    port: h?.port ?? httpPort,
    initialDelaySeconds: h?.initial_delay_seconds ?? d.initial_delay_seconds,
    periodSeconds: h?.period_seconds ?? d.period_seconds,
    timeoutSeconds: h?.timeout_seconds ?? d.timeout_seconds,
    successThreshold: h?.success_threshold ?? d.success_threshold,
    failureThreshold: h?.failure_threshold ?? d.failure_threshold,
  };
}

function cors(c: z.output<typeof Cors> | undefined): CorsModel | undefined {
  if (!c) return undefined;
  return {
    allowOrigins: (c.allow_origins ?? []).map((o) => ({
      ...(o.exact ? { exact: o.exact } : {}),
      ...(o.prefix ? { prefix: o.prefix } : {}),
      ...(o.regex ? { regex: o.regex } : {}),
    })),
    allowMethods: c.allow_methods ?? [],
    allowHeaders: c.allow_headers ?? [],
    exposeHeaders: c.expose_headers ?? [],
    ...(c.max_age ? { maxAge: c.max_age } : {}),
    allowCredentials: c.allow_credentials ?? false,
  };
}

/** Ingress rules when present (they replace component routes), else deprecated routes; longest prefix first. */
export function buildRoutes(spec: AppSpec, source: SpecSource): RouteModel[] {
  const line = (p: PathItem[]) => locate(source, p).line;
  const out: RouteModel[] = [];
  if (spec.ingress?.rules?.length) {
    spec.ingress.rules.forEach((r, i) => {
      const prefix = r.match?.path?.prefix ?? '/';
      const route: RouteModel = {
        prefix: prefix || '/',
        preservePathPrefix: r.component?.preserve_path_prefix ?? false,
        line: line(['ingress', 'rules', i]),
      };
      if (r.component) route.component = r.component.name;
      if (r.component?.rewrite !== undefined) route.rewrite = r.component.rewrite;
      if (r.redirect) route.redirect = { ...stripUndefined(r.redirect), code: r.redirect.redirect_code ?? 302 };
      const authority = r.match?.authority?.exact;
      if (authority) route.authority = authority;
      const c = cors(r.cors);
      if (c) route.cors = c;
      out.push(route);
    });
  } else {
    for (const list of ['services', 'static_sites', 'functions'] as const)
      spec[list]?.forEach((c, i) =>
        c.routes?.forEach((r, j) => {
          const route: RouteModel = {
            prefix: r.path ?? '/',
            component: c.name,
            preservePathPrefix: r.preserve_path_prefix ?? false,
            line: line([list, i, 'routes', j]),
          };
          const policy = cors(c.cors);
          if (policy) route.cors = policy;
          out.push(route);
        }),
      );
    // A spec with no routes at all: App Platform serves its one public service or static site at "/".
    if (out.length === 0) {
      const first =
        spec.services?.find((s) => !(s.internal_ports && s.http_port === undefined)) ?? spec.static_sites?.[0];
      const list = spec.services?.includes(first as never) ? 'services' : 'static_sites';
      if (first) out.push({ prefix: '/', component: first.name, preservePathPrefix: false, line: line([list, 0]) });
    }
  }
  return out.sort((a, b) => b.prefix.length - a.prefix.length);
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
