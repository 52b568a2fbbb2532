/**
 * The databases a spec declares, run as production shapes them, on real containers: an app built with Debian's
 * psycopg2 and redis-py reaches PostgreSQL and Redis with nothing but its bindables; production's refusals and
 * limits come from the servers themselves; data outlives the app until `down --volumes`.
 */
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app/index.js';
import { cli } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';

const docker = new Docker();
// A private copy: its own project, so its own database volumes, whatever else runs on this engine.
const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-databases-'));
cpSync(path.join(ROOT, 'test/fixtures/databases'), dir, { recursive: true });
const spec = path.join(dir, '.do/app.yaml');

let app: RunningApp;
const notices: string[] = [];
const logs: string[] = [];
const start = () =>
  startApp({
    spec,
    onEvent: (e) => {
      if (e.type === 'notice') notices.push(`${e.component}: ${e.message}`);
      if (e.type === 'log') logs.push(`${e.instance}: ${e.line}`);
    },
  });

/** `rehearse db psql db -- -tAc SQL`, as a user types it. */
const psql = (sql: string) => cli(['db', 'psql', 'db', '--spec', spec, '--', '-tAc', sql]);

/** Python in the app's own container, with the app's own environment. */
async function py(code: string): Promise<string> {
  const r = await app.exec('web', ['python3', '-c', code]);
  return r.stdout + r.stderr;
}

beforeAll(async () => {
  app = await start();
});

afterAll(async () => {
  await app?.stop();
  const down = cli(['down', '--volumes', '--spec', spec]);
  expect(down.status).toBe(0);
});

it('runs the PRE_DEPLOY migration against a ready database, and the app reaches both engines with its bindables', async () => {
  expect(notices.some((n) => /database db ready \(TLS login\)/.test(n))).toBe(true);
  await py(`import os, redis
open("/dev/shm/ca.pem", "w").write(os.environ["CA_CERT"])
redis.from_url(os.environ["REDIS_URL"], ssl_ca_certs="/dev/shm/ca.pem").set("greeting", "hi")`);
  const res = await fetch(app.url('web'));
  expect(await res.json()).toEqual({ notes: ['migrated'], pg_tls: true, redis: 'hi' });
  const env = Object.fromEntries(
    app.model.components.find((c) => c.name === 'web')!.env.map((e) => [e.key, e.value] as const),
  );
  expect(env.DATABASE_URL).toMatch(/^postgresql:\/\/doadmin:AVNS_[\w-]{20}@db:25060\/defaultdb\?sslmode=require$/);
  expect(env.REDIS_URL).toMatch(/^rediss:\/\/default:AVNS_[\w-]{20}@cache:25061$/);
  expect(env.CA_CERT).toMatch(/^-----BEGIN CERTIFICATE-----/);
  // The password is a secret: the migration printed its URL, and rehearse's output masks it.
  const password = new URL(env.DATABASE_URL!).password;
  const printed = logs.find((l) => l.startsWith('migrate-1: migrating'));
  expect(printed).toMatch(/^migrate-1: migrating \S/);
  expect(printed).not.toContain(password);
});

it('refuses plaintext with the servers’ own answers', async () => {
  const pg = await py(
    'import os, psycopg2\ntry: psycopg2.connect(os.environ["DATABASE_URL"].replace("sslmode=require", "sslmode=disable"))\nexcept Exception as e: print(e)',
  );
  expect(pg).toMatch(/no pg_hba\.conf entry for host ".*", user "doadmin", database "defaultdb", no encryption/);
  const redis = await py(
    'import os, redis\ntry: print(redis.from_url(os.environ["REDIS_URL"].replace("rediss://", "redis://"), socket_timeout=5).ping())\nexcept Exception as e: print("refused", type(e).__name__)',
  );
  expect(redis).toMatch(/^refused/);
});

it('sends the project CA in its chain: a client that verifies against the system store fails, one given CA_CERT succeeds', async () => {
  // What node-postgres does with sslmode=require: PostgreSQL's SSLRequest, then TLS that verifies the chain.
  const probe = (cafile: string) =>
    py(`import os, socket, ssl, struct
s = socket.create_connection(("db", 25060)); s.sendall(struct.pack("!ii", 8, 80877103)); assert s.recv(1) == b"S"
ctx = ssl.create_default_context(${cafile})
ctx.check_hostname = True
try: ctx.wrap_socket(s, server_hostname="db"); print("verified")
except ssl.SSLCertVerificationError as e: print(e.verify_message)`);
  expect((await probe('')).trim()).toBe('self-signed certificate in certificate chain');
  await py('import os; open("/dev/shm/ca.pem", "w").write(os.environ["CA_CERT"])');
  expect((await probe('cafile="/dev/shm/ca.pem"')).trim()).toBe('verified');
});

it('gives the connection after the limit PostgreSQL’s own "remaining connection slots are reserved" error', async () => {
  const out = await py(`import os, psycopg2
conns = []
try:
    while len(conns) < 40: conns.append(psycopg2.connect(os.environ["DATABASE_URL"]))
except psycopg2.OperationalError as e: print(len(conns), str(e).strip())`);
  // A dev database: 25 connections (1 GiB), 3 reserved for superusers; doadmin is not one.
  expect(out).toMatch(/^22 .*remaining connection slots are reserved for non-replication superuser connections/);
});

it('breaks a prepared statement through the transaction-mode pool, as production’s PgBouncer does', async () => {
  const run = (url: string) =>
    py(`import os, psycopg2
a = psycopg2.connect(os.environ["${url}"]); a.autocommit = True
b = psycopg2.connect(os.environ["${url}"])
a.cursor().execute("PREPARE s AS SELECT 1")
b.cursor().execute("SELECT 1")  # b's open transaction holds the server connection that knows "s"
try: c = a.cursor(); c.execute("EXECUTE s"); print("executed", c.fetchone()[0])
except psycopg2.Error as e: print(str(e).strip())`);
  expect(await run('POOL_URL')).toMatch(/prepared statement "s" does not exist/);
  expect(await run('DATABASE_URL')).toMatch(/^executed 1/);
});

it('rehearse db psql runs the client inside over TLS; rehearse db url gives tools on the host a verified way in', async () => {
  const inside = psql('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
  expect(inside.stdout.trim()).toBe('t');
  const url = cli(['db', 'url', 'db', '--spec', spec]);
  const parsed = new URL(url.stdout.trim());
  expect(parsed.hostname).toBe('127.0.0.1');
  expect(parsed.password).toBe(''); // the password is in a private passfile, not in the output
  expect(readFileSync(parsed.searchParams.get('passfile')!, 'utf8')).toContain(':doadmin:AVNS_');
  // The published port speaks TLS with a certificate the project CA verifies for 127.0.0.1 (verify-full).
  const socket = net.connect(Number(parsed.port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]));
  const [answer] = (await once(socket, 'data')) as [Buffer];
  expect(answer.toString()).toBe('S');
  const secure = tls.connect({ socket, ca: readFileSync(parsed.searchParams.get('sslrootcert')!), host: '127.0.0.1' });
  await once(secure, 'secureConnect');
  expect(secure.authorized).toBe(true);
  secure.destroy();
});

it('keeps the data across a stop and the next start, with the database ready quickly', async () => {
  await py(
    'import os, psycopg2\nwith psycopg2.connect(os.environ["DATABASE_URL"]) as c, c.cursor() as k: k.execute("insert into items (note) values (\'kept\')")',
  );
  await app.stop();
  notices.length = 0;
  app = await start();
  const res = await fetch(app.url('web'));
  expect(await res.json()).toEqual({ notes: ['migrated', 'kept', 'migrated'], pg_tls: true, redis: 'hi' });
  const ready = notices.map((n) => /database db ready \(TLS login\) in (\d+) ms/.exec(n)?.[1]).find(Boolean);
  expect(Number(ready)).toBeLessThan(10_000);
});

it('prices the dev database from the profile; a managed cluster is billed by Databases, not the app', () => {
  const cost = cli(['cost', '--spec', spec]).stdout;
  expect(cost).toMatch(/^db\s+database\s+dev database\s+1\s+7\.00/m);
  expect(cost).toMatch(/^cache\s+database\s+managed cluster\s+1\s+0\.00\s+a managed cluster: billed by Databases/m);
  expect(cost).toContain('$12.00 a month');
});

it('reuses the data after a crash: the next up removes the dead session’s database and starts on its volume', async () => {
  await app.stop();
  const up = () => cli(['up', '--detach', '--port', '0', '--spec', spec]);
  expect(up().status).toBe(0);
  const { pid } = JSON.parse(cli(['ps', '--json', '--spec', spec]).stdout) as { pid: number };
  process.kill(pid, 'SIGKILL'); // the session dies without cleaning up; its containers stay behind
  const alive = () => {
    try {
      return process.kill(pid, 0);
    } catch {
      return false;
    }
  };
  for (const t0 = Date.now(); alive() && Date.now() - t0 < 10_000;) await new Promise((r) => setTimeout(r, 100));
  expect(up().status).toBe(0);
  const notes = psql("select count(*) from items where note = 'kept'");
  expect(notes.stdout.trim()).toBe('1');
  expect(cli(['down', '--spec', spec]).status).toBe(0);
});

it('removes the data with down --volumes', async () => {
  const project = app.project;
  const volumes = async () =>
    (await docker.listVolumes({ filters: { label: [`rehearse.project=${project}`] } })).Volumes ?? [];
  expect((await volumes()).map((v) => v.Name).sort()).toEqual([
    `rehearse-${project}-cache-data`,
    `rehearse-${project}-db-data`,
  ]);
  const down = cli(['down', '--volumes', '--spec', spec]);
  expect(down.stdout).toContain(`removed database volumes`);
  expect(await volumes()).toEqual([]);
  // The credentials go with the data: nothing of the project's databases stays in the state directory.
  const stateDir = path.join(
    process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local/state'),
    'rehearse/projects',
    project,
  );
  expect(existsSync(stateDir)).toBe(false);
});
