/**
 * Bindable variables, `${APP_URL}`, `${web.PRIVATE_URL}`, `${db.DATABASE_URL}`, resolved the way App Platform
 * does, with values that work on this machine. Nothing here runs a shell: `$(...)` stays literal text.
 */
import { createHash } from 'node:crypto';

export const REF_PATTERN = /\$\{([^}]*)\}/g;

/**
 * The app's domain as production forms it, for `${APP_DOMAIN}`, `${APP_URL}` (`https://` and no port) and the
 * Host the app receives: the spec's PRIMARY domain, else its first, else the platform's default form (App
 * Platform: `{app}-{hash}.ondigitalocean.app`; the hash is assigned at creation there, derived from the name here).
 */
export function appDomain(
  name: string,
  domains: readonly { domain: string; type?: string | undefined }[] | undefined,
  defaultForm: string,
): string {
  const primary = domains?.find((d) => d.type === 'PRIMARY') ?? domains?.find((d) => d.type !== 'ALIAS');
  if (primary) return primary.domain.toLowerCase();
  const hash = BigInt('0x' + createHash('sha256').update(name).digest('hex').slice(0, 12))
    .toString(36)
    .slice(-5)
    .padStart(5, '0');
  return defaultForm.replace('{app}', name).replace('{hash}', hash);
}

export const APP_BINDABLES = ['APP_URL', 'APP_DOMAIN', 'APP_ID'] as const;
export const COMPONENT_BINDABLES = [
  'PUBLIC_URL',
  'PUBLIC_ROUTE_PATH',
  'PRIVATE_URL',
  'PRIVATE_DOMAIN',
  'PRIVATE_PORT',
  'COMMIT_HASH',
  'BUILD_ID',
  'FUNCTIONS_LOG_DESTINATION_JSON',
] as const;
export const DATABASE_BINDABLES = [
  'DATABASE_URL',
  'HOSTNAME',
  'HOST',
  'PORT',
  'USERNAME',
  'PASSWORD',
  'DATABASE',
  'CA_CERT',
  'JDBC_DATABASE_URL',
  'REDIS_URL',
  'DATABASE_PRIVATE_URL',
  'PRIVATE_URL',
  'URL',
] as const;

export interface Reference {
  raw: string;
  /** `undefined` for app-wide `${NAME}` references. */
  scope?: string;
  name: string;
}

export function references(value: string): Reference[] {
  const out: Reference[] = [];
  for (const m of value.matchAll(REF_PATTERN)) {
    const inner = m[1]!.trim();
    const parts = inner.split('.');
    // `${db.pool.DATABASE_URL}`: a PG connection pool; its scope is the database.
    if (parts.length === 1) out.push({ raw: m[0], name: parts[0]! });
    else out.push({ raw: m[0], scope: parts[0]!, name: parts.slice(1).join('.') });
  }
  return out;
}

/** Substitutes every `${...}` the lookup knows; unknown ones are left as written (validation reports them). */
export function substitute(value: string, lookup: (ref: Reference) => string | undefined): string {
  return value.replace(REF_PATTERN, (raw) => {
    const ref = references(raw)[0]!;
    return lookup(ref) ?? raw;
  });
}

const DB_PORTS: Record<string, number> = {
  PG: 5432,
  MYSQL: 3306,
  REDIS: 6379,
  VALKEY: 6379,
  MONGODB: 27017,
  KAFKA: 9092,
  OPENSEARCH: 9200,
};
const DB_SCHEMES: Record<string, string> = {
  PG: 'postgresql',
  MYSQL: 'mysql',
  REDIS: 'redis',
  VALKEY: 'redis',
  MONGODB: 'mongodb',
  KAFKA: 'kafka',
  OPENSEARCH: 'https',
};

/** Local stand-in values for a database's bindables: a host named after it on the app network. */
export function databaseValue(db: { name: string; engine: string }, field: string): string | undefined {
  const engine = db.engine === 'UNSET' ? 'PG' : db.engine;
  const port = DB_PORTS[engine] ?? 5432;
  const user = 'doadmin';
  const password = 'local';
  const database = engine === 'PG' ? 'defaultdb' : db.name;
  const url = `${DB_SCHEMES[engine] ?? 'postgresql'}://${user}:${password}@${db.name}:${port}/${database}`;
  const last = field.split('.').at(-1)!;
  switch (last) {
    case 'DATABASE_URL':
    case 'DATABASE_PRIVATE_URL':
    case 'PRIVATE_URL':
    case 'URL':
    case 'REDIS_URL':
      return url;
    case 'JDBC_DATABASE_URL':
      return `jdbc:${url.replace(`${user}:${password}@`, '')}?user=${user}&password=${password}`;
    case 'HOSTNAME':
    case 'HOST':
      return db.name;
    case 'PORT':
      return String(port);
    case 'USERNAME':
      return user;
    case 'PASSWORD':
      return password;
    case 'DATABASE':
      return database;
    case 'CA_CERT':
      return '';
    default:
      return undefined;
  }
}
