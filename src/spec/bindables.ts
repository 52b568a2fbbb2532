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

/** Ports production's databases answer on (profile `databases`). */
export interface DatabasePorts {
  port: number;
  pool_port: number;
  redis_tls_port: number;
}

/** Until the runtime has made a database's password, its bindables carry this instead. */
export const PASSWORD_PLACEHOLDER = 'generated-at-up';

/** The bindables whose value holds the database's password: env entries made from them are secrets. */
const WITH_PASSWORD = new Set([
  'DATABASE_URL',
  'DATABASE_PRIVATE_URL',
  'PRIVATE_URL',
  'URL',
  'REDIS_URL',
  'JDBC_DATABASE_URL',
  'PASSWORD',
]);

export function carriesDatabasePassword(value: string, databases: ReadonlySet<string>): boolean {
  return references(value).some(
    (r) => r.scope !== undefined && databases.has(r.scope) && WITH_PASSWORD.has(r.name.split('.').at(-1)!),
  );
}

/**
 * A database's bindables in production's shape (research: databases-buildpacks-failures.md A.2): port 25060,
 * pools on 25061 with the pool's name as the URL path, Redis/Valkey over TLS only (`rediss://default:…@…:25061`),
 * `sslmode=require`, the user and database the spec names, and CA_CERT as PEM text.
 */
export function databaseValue(
  db: { name: string; engine: string; user: string; database: string; password?: string; caCert?: string },
  field: string,
  ports: DatabasePorts,
): string | undefined {
  const parts = field.split('.');
  const pool = parts.length > 1 ? parts[0] : undefined;
  const last = parts.at(-1)!;
  const engine = db.engine === 'UNSET' ? 'PG' : db.engine;
  const redis = engine === 'REDIS' || engine === 'VALKEY';
  const password = db.password ?? PASSWORD_PLACEHOLDER;
  const user = redis ? 'default' : db.user;
  const port = pool ? ports.pool_port : redis ? ports.redis_tls_port : ports.port;
  const database = pool ?? (redis ? '' : db.database);
  const host = db.name;
  const auth = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  const url =
    engine === 'PG'
      ? `postgresql://${auth}@${host}:${port}/${database}?sslmode=require`
      : engine === 'MYSQL'
        ? `mysql://${auth}@${host}:${port}/${database}?ssl-mode=REQUIRED`
        : redis
          ? `rediss://${auth}@${host}:${port}`
          : engine === 'MONGODB'
            ? `mongodb+srv://${auth}@${host}/admin?tls=true&authSource=admin`
            : engine === 'OPENSEARCH'
              ? `https://${auth}@${host}:${port}`
              : undefined;
  switch (last) {
    case 'DATABASE_URL':
    case 'DATABASE_PRIVATE_URL':
    case 'PRIVATE_URL':
    case 'URL':
      return url ?? '';
    case 'REDIS_URL':
      return redis ? url : undefined;
    case 'JDBC_DATABASE_URL':
      return engine === 'PG' || engine === 'MYSQL'
        ? `jdbc:${engine === 'PG' ? 'postgresql' : 'mysql'}://${host}:${port}/${database}?${engine === 'PG' ? 'sslmode=require' : 'useSSL=true'}&user=${encodeURIComponent(user)}&password=${encodeURIComponent(password)}`
        : undefined;
    case 'HOSTNAME':
    case 'HOST':
      return host;
    case 'PORT':
      return String(port);
    case 'USERNAME':
      return user;
    case 'PASSWORD':
      return password;
    case 'DATABASE':
      return database;
    case 'CA_CERT':
      return db.caCert ?? '';
    default:
      return undefined;
  }
}
