/**
 * `rehearse db`: a running app's databases from any terminal. `psql`/`shell` open the engine's own client inside
 * the database's container, over TLS as the app connects; `url` gives tools on the host a URL to the port the
 * engine publishes on 127.0.0.1, verified against the project CA, its password kept in a private file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectStateDir } from '../runtime/databases/credentials.js';
import { connectEngine } from '../runtime/engine.js';
import { RehearseError } from '../shared/errors.js';
import { LABEL } from '../shared/labels.js';
import { loadSpec } from '../spec/index.js';
import { projectIdFor } from './app-id.js';
import { specFileOf } from './load-model.js';
import { projectExec } from './project.js';

// Whichever client the stand-in carries, logged in with the app's credentials from the container's own env.
const CLIENT = `if command -v psql >/dev/null; then
  PGPASSWORD="$DB_PASSWORD" exec psql "host=127.0.0.1 port=$DB_PORT dbname=$DB_NAME user=$DB_USER sslmode=verify-full sslrootcert=/run/tls/ca.crt" "$@"
else
  REDISCLI_AUTH="$DB_PASSWORD" exec redis-cli --tls --cacert /run/tls/ca.crt -h 127.0.0.1 -p "$DB_PORT" "$@"
fi`;

/** The engine's client in a database's container (`args` passed on), interactive when the terminal is. */
export async function databaseShell(
  spec: string | undefined,
  name: string,
  args: string[],
  interactive: boolean,
): Promise<number> {
  await running(spec, name);
  return projectExec(spec, name, 1, ['sh', '-c', CLIENT, 'client', ...args], interactive);
}

export interface DatabaseUrl {
  url: string;
  /** The project CA, for tools that take a file. */
  caFile: string;
  /** Where the password is, when the URL leaves it out. */
  passwordFile?: string;
}

/** A URL for tools on the host: the published port on 127.0.0.1, TLS verified against the project CA. */
export async function databaseUrl(spec: string | undefined, name: string, showPassword = false): Promise<DatabaseUrl> {
  const { file, project, container } = await running(spec, name);
  const db = loadSpec(file).model!.databases.find((d) => d.name === name)!;
  const dir = projectStateDir(project);
  const caFile = path.join(dir, 'ca.crt');
  const password = (JSON.parse(readFileSync(path.join(dir, 'passwords.json'), 'utf8')) as Record<string, string>)[
    name
  ]!;
  const published = container.Ports.filter((p) => p.IP === '127.0.0.1' && p.PublicPort).sort(
    (a, b) => a.PrivatePort - b.PrivatePort,
  )[0];
  if (!published)
    throw new RehearseError('USAGE', `database ${name} publishes no port`, {
      hint: 'restart the app with "rehearse up"',
    });
  const port = published.PublicPort;
  if (db.engine !== 'PG') {
    const auth = showPassword ? `default:${encodeURIComponent(password)}@` : 'default@';
    return { url: `rediss://${auth}127.0.0.1:${port}`, caFile };
  }
  if (showPassword)
    return {
      url: `postgresql://${db.user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db.database}?sslmode=verify-full&sslrootcert=${caFile}`,
      caFile,
    };
  // libpq reads the password from a passfile named in the URL: the URL can be printed and shared safely.
  const passwordFile = path.join(dir, `${name}.pgpass`);
  writeFileSync(passwordFile, `*:*:*:${db.user}:${password.replace(/[:\\]/g, '\\$&')}\n`, { mode: 0o600 });
  return {
    url: `postgresql://${db.user}@127.0.0.1:${port}/${db.database}?sslmode=verify-full&sslrootcert=${caFile}&passfile=${passwordFile}`,
    caFile,
    passwordFile,
  };
}

async function running(spec: string | undefined, name: string) {
  const file = specFileOf(spec);
  const project = projectIdFor(file);
  const model = loadSpec(file).model;
  if (!model?.databases.some((d) => d.name === name))
    throw new RehearseError('USAGE', `the spec declares no database "${name}"`, {
      hint: `databases: ${model?.databases.map((d) => d.name).join(', ') || 'none'}`,
    });
  const docker = await connectEngine();
  const [container] = await docker.listContainers({
    filters: { label: [`${LABEL.project}=${project}`, `${LABEL.component}=${name}`, `${LABEL.kind}=database`] },
  });
  if (!container)
    throw new RehearseError('USAGE', `database ${name} is not running`, {
      hint: 'start the app with "rehearse up" (or "rehearse up --detach") first',
    });
  return { file, project, container };
}
