/** Database bindables in production's shape (research: databases-buildpacks-failures.md A.2). */
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../../src/spec/index.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const spec = `name: app
databases:
  - {name: db, engine: PG, version: "16"}
  - {name: users, engine: PG, production: true, cluster_name: c, db_name: accounts, db_user: accounts_app}
  - {name: cache, engine: VALKEY, production: true, cluster_name: k}
services:
  - name: web
    github: {repo: a/b, branch: main}
    dockerfile_path: Dockerfile
    envs:
      - {key: DATABASE_URL, value: "\${db.DATABASE_URL}"}
      - {key: POOL_URL, value: "\${db.pool.DATABASE_URL}"}
      - {key: POOL_PORT, value: "\${db.pool.PORT}"}
      - {key: JDBC, value: "\${db.JDBC_DATABASE_URL}"}
      - {key: CA_CERT, value: "\${db.CA_CERT}"}
      - {key: PGHOST, value: "\${db.HOSTNAME}"}
      - {key: USERS_URL, value: "\${users.DATABASE_URL}"}
      - {key: REDIS_URL, value: "\${cache.REDIS_URL}"}
      - {key: DB_AT_BUILD, value: "\${db.DATABASE_URL}", scope: RUN_AND_BUILD_TIME}
`;
const load = (databases?: Record<string, { password: string; caCert: string }>) => {
  const r = loadSpecText('/repo/.do/app.yaml', spec, databases ? { databases } : {});
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.model!;
};
const creds = {
  db: { password: 'AVNS_pw1', caCert: CA },
  users: { password: 'AVNS_pw2', caCert: CA },
  cache: { password: 'AVNS_pw3', caCert: CA },
};

describe('database bindables', () => {
  const m = load(creds);
  const env = Object.fromEntries(m.components[0]!.env.map((e) => [e.key, e]));
  it('carry the running database’s password and the project CA, on production’s ports and paths', () => {
    expect(env.DATABASE_URL!.value).toBe('postgresql://doadmin:AVNS_pw1@db:25060/defaultdb?sslmode=require');
    expect(env.POOL_URL!.value).toBe('postgresql://doadmin:AVNS_pw1@db:25061/pool?sslmode=require');
    expect(env.POOL_PORT!.value).toBe('25061');
    expect(env.JDBC!.value).toBe('jdbc:postgresql://db:25060/defaultdb?sslmode=require&user=doadmin&password=AVNS_pw1');
    expect(env.CA_CERT!.value).toBe(CA);
    expect(env.PGHOST!.value).toBe('db');
    expect(env.USERS_URL!.value).toBe('postgresql://accounts_app:AVNS_pw2@users:25060/accounts?sslmode=require');
    expect(env.REDIS_URL!.value).toBe('rediss://default:AVNS_pw3@cache:25061');
  });
  it('are secrets wherever the password is in them', () => {
    expect(env.DATABASE_URL!.secret).toBe(true);
    expect(env.REDIS_URL!.secret).toBe(true);
    expect(env.PGHOST!.secret).toBe(false);
    expect(env.CA_CERT!.secret).toBe(false);
  });
  it('are not available to builds: the build sees the reference as written', () => {
    const build = m.components[0]!.buildEnv.find((e) => e.key === 'DB_AT_BUILD');
    expect(build?.value).toBe('${db.DATABASE_URL}');
  });
  it('name the pools the envs use, and the user and database the spec sets', () => {
    expect(m.databases.map((d) => [d.name, d.user, d.database, d.pools])).toEqual([
      ['db', 'doadmin', 'defaultdb', ['pool']],
      ['users', 'accounts_app', 'accounts', []],
      ['cache', 'doadmin', 'defaultdb', []],
    ]);
  });
  it('carry a placeholder password until a database runs (validate, env)', () => {
    const plain = load();
    const url = plain.components[0]!.env.find((e) => e.key === 'DATABASE_URL')!.value;
    expect(url).toBe('postgresql://doadmin:generated-at-up@db:25060/defaultdb?sslmode=require');
    expect(plain.databases[0]!.password).toBeUndefined();
  });
  it('warn in validate when a BUILD_TIME env names one (the build only ever sees the text)', () => {
    const r = loadSpecText(
      '/repo/.do/app.yaml',
      spec.replace(
        '{key: PGHOST, value: "${db.HOSTNAME}"}',
        '{key: PGHOST, value: "${db.HOSTNAME}", scope: BUILD_TIME}',
      ),
    );
    const warnings = r.diagnostics.filter((d) => d.code === 'database-at-build');
    expect(warnings.map((d) => [d.severity, d.line])).toEqual([['warning', 16]]);
    expect(warnings[0]!.hint).toMatch(/PRE_DEPLOY/);
  });
});
