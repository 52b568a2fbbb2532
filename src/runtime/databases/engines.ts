/**
 * How each engine runs, shaped as App Platform's managed databases (research: databases-buildpacks-failures.md
 * A.2, A.4, A.7): TLS only, the server sending its certificate with the project CA, production's ports, users
 * and databases, PostgreSQL's connection limit from the node's memory, PgBouncer pools, Redis with a password
 * and the 300 s idle timeout. Each engine is a start script for its stand-in image and a readiness probe that
 * logs in over TLS with the credentials the app is given.
 */
import type { Profile } from '../../profile/profile.js';
import type { DatabaseModel } from '../../spec/model.js';

type DbProfile = NonNullable<Profile['databases']>;

export interface EngineRun {
  /** The port the app connects to; published on 127.0.0.1 for `rehearse db url`. */
  port: number;
  /** Where the engine keeps its data: the volume that outlives the app. */
  dataDir: string;
  env: string[];
  cmd: string[];
  /** Runs in the container; exit 0 once a TLS login with the app's credentials works. */
  ready: string[];
  /** Lines for the parity report. */
  shape: string[];
}

/** Memory of the node the database runs on: from a `size` slug like db-s-2vcpu-4gb, else the profile's default. */
export function nodeGib(db: DatabaseModel, p: DbProfile): number {
  const m = db.size ? /-(\d+(?:\.\d+)?)gb$/.exec(db.size) : null;
  return m ? Number(m[1]) : p.default_node_gib;
}

/** max_connections: 25 per GiB, of which 3 are reserved for superusers (the app's user is not one). */
export function connectionLimit(db: DatabaseModel, p: DbProfile): { max: number; reserved: number } {
  return { max: Math.floor(p.connections_per_gib * nodeGib(db, p)), reserved: p.reserved_connections };
}

// Runs as root only to hand the TLS files to the server's user, then everything runs as `postgres`. The
// app's user (doadmin unless db_user) is no superuser: it gets PostgreSQL's "remaining connection slots are
// reserved" error when the limit is reached, as on a managed cluster. A db_user gets no privileges, as users made
// through DigitalOcean get none until doadmin grants them (research A.2, A.6 C10). On SIGTERM, PostgreSQL gets
// SIGINT, its fast shutdown: a checkpoint, then exit, without waiting for PgBouncer's server connections, so the
// next start needs no crash recovery.
const PG_SCRIPT = `set -e
install -d -o postgres -g postgres -m 700 /run/tls
install -o postgres -g postgres -m 600 /tmp/tls/server.crt /tmp/tls/server.key /tmp/tls/ca.crt /run/tls/
rm -rf /tmp/tls /run/rehearse-ready
AS_PG='setpriv --reuid=postgres --regid=postgres --init-groups'
D=/var/lib/postgresql/data
chown postgres:postgres "$D" && chmod 700 "$D"
[ -s "$D/PG_VERSION" ] || $AS_PG initdb -D "$D" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=reject >/dev/null
printf 'local all all trust\\nhostssl all all all scram-sha-256\\n' > /run/tls/pg_hba.conf
$AS_PG postgres -D "$D" -c port="$DB_PORT" -c listen_addresses='*' -c hba_file=/run/tls/pg_hba.conf -c ssl=on \\
  -c ssl_cert_file=/run/tls/server.crt -c ssl_key_file=/run/tls/server.key -c password_encryption=scram-sha-256 \\
  -c max_connections="$DB_MAX_CONNECTIONS" -c superuser_reserved_connections="$DB_RESERVED" \\
  -c unix_socket_directories=/run/postgresql &
pg=$! pgb=
trap 'kill -INT $pg; [ -z "$pgb" ] || kill -TERM $pgb' TERM INT
until pg_isready -q -h /run/postgresql -p "$DB_PORT"; do kill -0 $pg; sleep 0.05; done
ADMIN_PW="$DB_PASSWORD"
[ "$DB_USER" = "$DB_ADMIN" ] || ADMIN_PW="$(head -c 18 /dev/urandom | base64)"
$AS_PG psql -q -v ON_ERROR_STOP=1 -h /run/postgresql -p "$DB_PORT" -U postgres -d postgres -v admin="$DB_ADMIN" \\
  -v adminpw="$ADMIN_PW" -v defaultdb="$DB_DEFAULT" -v user="$DB_USER" -v userpw="$DB_PASSWORD" -v db="$DB_NAME" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB CREATEROLE', :'admin') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'admin')\\gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'admin', :'adminpw')\\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'defaultdb', :'admin') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'defaultdb')\\gexec
SELECT format('CREATE ROLE %I LOGIN', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user')\\gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'user', :'userpw') WHERE :'user' <> :'admin'\\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'admin') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\\gexec
SQL
if [ -n "$DB_POOLS" ]; then
  { echo '[databases]'
    for p in $DB_POOLS; do echo "$p = host=/run/postgresql port=$DB_PORT dbname=$DB_NAME user=$DB_USER"; done
    printf '[pgbouncer]\\nlisten_addr = *\\nlisten_port = %s\\nunix_socket_dir =\\nauth_type = scram-sha-256\\n' "$POOL_PORT"
    printf 'auth_file = /run/tls/userlist.txt\\npool_mode = %s\\ndefault_pool_size = %s\\nmax_client_conn = 1000\\n' "$POOL_MODE" "$POOL_SIZE"
    printf 'ignore_startup_parameters = extra_float_digits,search_path\\nclient_tls_sslmode = require\\n'
    printf 'client_tls_cert_file = /run/tls/server.crt\\nclient_tls_key_file = /run/tls/server.key\\nclient_tls_ca_file = /run/tls/ca.crt\\n'
  } > /run/tls/pgbouncer.ini
  printf '"%s" "%s"\\n' "$DB_USER" "$DB_PASSWORD" > /run/tls/userlist.txt
  chown postgres /run/tls/pgbouncer.ini /run/tls/userlist.txt && chmod 600 /run/tls/userlist.txt
  $AS_PG pgbouncer -q /run/tls/pgbouncer.ini & pgb=$!
fi
touch /run/rehearse-ready
set +e
wait $pg; code=$?
[ $code -le 128 ] || { wait $pg; code=$?; }
exit $code`;

// The pool is probed without logging in: a login would open a server connection that then counts against the
// database's limit until PgBouncer's idle timeout.
const PG_READY = `test -f /run/rehearse-ready && PGPASSWORD="$DB_PASSWORD" psql -tAq -c 'select 1' \\
  "host=127.0.0.1 port=$DB_PORT dbname=$DB_NAME user=$DB_USER sslmode=require" >/dev/null && {
  [ -z "$DB_POOLS" ] || pg_isready -q -d "host=127.0.0.1 port=$POOL_PORT dbname=\${DB_POOLS%% *} user=$DB_USER sslmode=require"; }`;

export function postgresRun(db: DatabaseModel, p: DbProfile, pools: { size: number }): EngineRun {
  const { max, reserved } = connectionLimit(db, p);
  const gib = nodeGib(db, p);
  return {
    port: p.port,
    dataDir: '/var/lib/postgresql/data',
    env: [
      `DB_PORT=${p.port}`,
      `POOL_PORT=${p.pool_port}`,
      `DB_ADMIN=${p.admin_user}`,
      `DB_DEFAULT=${p.default_database}`,
      `DB_USER=${db.user}`,
      `DB_NAME=${db.database}`,
      `DB_PASSWORD=${db.password ?? ''}`,
      `DB_MAX_CONNECTIONS=${max}`,
      `DB_RESERVED=${reserved}`,
      `DB_POOLS=${db.pools.join(' ')}`,
      `POOL_MODE=${p.pool_mode}`,
      `POOL_SIZE=${pools.size}`,
    ],
    cmd: ['sh', '-c', PG_SCRIPT],
    ready: ['sh', '-c', PG_READY],
    shape: [
      `${db.name}: TLS only on ${p.port}, user ${db.user}, database ${db.database}; max_connections ${max} (${p.connections_per_gib} per GiB on ${gib} GiB${db.size ? ` from size ${db.size}` : db.production ? '' : ': a dev database’s limit is not published, so it gets the smallest managed node’s'}), ${reserved} reserved for superusers: the app gets ${max - reserved}`,
      ...db.pools.map(
        (pool) =>
          `${db.name}.${pool}: PgBouncer pool on ${p.pool_port}, ${p.pool_mode} mode, ${pools.size} server connections (UNVERIFIED: set on the cluster)`,
      ),
    ],
  };
}

// TLS only (port 0 closes the plaintext port), no client certificates (DigitalOcean asks for none), the
// password on the `default` user, production's idle timeout and eviction policy, RDB snapshots and no AOF.
const REDIS_SCRIPT = `set -e
install -d -o redis -g redis -m 700 /run/tls
install -o redis -g redis -m 600 /tmp/tls/server.crt /tmp/tls/server.key /tmp/tls/ca.crt /run/tls/
rm -rf /tmp/tls
chown redis:redis /data
exec setpriv --reuid=redis --regid=redis --init-groups redis-server --bind '* -::*' --protected-mode no \\
  --port 0 --tls-port "$DB_PORT" --tls-cert-file /run/tls/server.crt --tls-key-file /run/tls/server.key \\
  --tls-ca-cert-file /run/tls/ca.crt --tls-auth-clients no --requirepass "$DB_PASSWORD" --timeout "$DB_IDLE" \\
  --maxmemory-policy "$DB_POLICY" --appendonly no --dir /data --save '3600 1 300 100 60 10000'`;

const REDIS_READY = `REDISCLI_AUTH="$DB_PASSWORD" redis-cli --tls --cacert /run/tls/ca.crt -h 127.0.0.1 -p "$DB_PORT" ping | grep -q PONG`;

export function redisRun(db: DatabaseModel, p: DbProfile): EngineRun {
  return {
    port: p.redis_tls_port,
    dataDir: '/data',
    env: [
      `DB_PORT=${p.redis_tls_port}`,
      `DB_PASSWORD=${db.password ?? ''}`,
      `DB_IDLE=${p.redis_idle_timeout_seconds}`,
      `DB_POLICY=${p.redis_maxmemory_policy}`,
    ],
    cmd: ['sh', '-c', REDIS_SCRIPT],
    ready: ['sh', '-c', REDIS_READY],
    shape: [
      `${db.name}: TLS only on ${p.redis_tls_port} (rediss://), user default with a password, idle clients closed after ${p.redis_idle_timeout_seconds} s, maxmemory-policy ${p.redis_maxmemory_policy}`,
    ],
  };
}
