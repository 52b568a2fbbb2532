/**
 * Files found where app specs live that are something else. Reporting a hundred unknown keys on a Google App
 * Engine config helps nobody; saying what the file is does.
 */
import { isMap, isSeq, type Document } from 'yaml';

interface Kind {
  what: string;
  test: (top: Record<string, unknown>) => boolean;
}

const has = (top: Record<string, unknown>, ...keys: string[]) => keys.some((k) => k in top);

const KINDS: Kind[] = [
  { what: 'a GitHub Actions workflow', test: (t) => has(t, 'on') && isMapLike(t.jobs) },
  {
    what: 'a Google App Engine config (app.yaml for gcloud)',
    test: (t) =>
      has(
        t,
        'runtime',
        'handlers',
        'env_variables',
        'instance_class',
        'automatic_scaling',
        'api_version',
        'entrypoint',
        'manual_scaling',
        'basic_scaling',
      ),
  },
  {
    what: 'a Docker Compose file',
    test: (t) => composeServices(t.services) || (has(t, 'version') && isMapLike(t.volumes ?? t.networks)),
  },
  {
    what: 'a Render blueprint (render.yaml)',
    test: (t) =>
      Array.isArray(t.services) &&
      t.services.some((s) => s && typeof s === 'object' && ('type' in s || 'envVars' in s || 'plan' in s)),
  },
  { what: 'a GitHub App manifest', test: (t) => has(t, 'default_events', 'default_permissions') },
  { what: 'a Cloud Foundry manifest', test: (t) => Array.isArray(t.applications) },
  { what: 'a Databricks app config (app.yaml)', test: (t) => has(t, 'command') && !has(t, 'services', 'name') },
  { what: 'a Kubernetes manifest', test: (t) => has(t, 'apiVersion') && has(t, 'kind') },
];

/** Keys of a Compose service that no App Platform component has (`image` is a string there, a mapping here). */
const COMPOSE_KEYS = [
  'build',
  'ports',
  'environment',
  'volumes',
  'depends_on',
  'command',
  'restart',
  'container_name',
  'healthcheck',
  'deploy',
  'networks',
  'expose',
  'env_file',
  'entrypoint',
  'labels',
  'profiles',
  'working_dir',
  'extends',
  'links',
];
const APP_COMPONENT_KEYS = ['github', 'gitlab', 'git', 'dockerfile_path', 'http_port', 'instance_size_slug', 'envs'];

/**
 * `services:` as a mapping of Compose services. An App Platform spec whose `services:` was written as a mapping by
 * mistake (`services: {name: web, github: ...}`) is not one: the schema says "services must be a list" instead.
 */
function composeServices(services: unknown): boolean {
  if (!isMapLike(services)) return false;
  const entries = Object.values(services as Record<string, unknown>).filter(isMapLike) as Record<string, unknown>[];
  return entries.some(
    (e) =>
      (has(e, ...COMPOSE_KEYS) || typeof e.image === 'string') && !has(e, ...APP_COMPONENT_KEYS) && !isMapLike(e.image),
  );
}

function isMapLike(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const SPEC_KEYS = [
  'services',
  'workers',
  'jobs',
  'static_sites',
  'functions',
  'databases',
  'ingress',
  'envs',
  'region',
  'domains',
];

/** What the document looks like instead of an app spec, or undefined when it may well be one. */
export function identifyNonSpec(doc: Document.Parsed, data: unknown): string | undefined {
  if (!isMap(doc.contents)) {
    if (isSeq(doc.contents)) return 'a YAML list, not a mapping';
    if (data === null || data === undefined) return 'an empty document';
    return 'a single YAML value, not a mapping';
  }
  const top = data as Record<string, unknown>;
  for (const kind of KINDS) if (kind.test(top)) return kind.what;
  if (!has(top, ...SPEC_KEYS) && !has(top, 'name'))
    return 'a YAML file with none of the app spec keys (name, services, workers, jobs, static_sites, ...)';
  return undefined;
}
