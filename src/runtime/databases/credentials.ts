/**
 * A project's database credentials, kept across `up`s as production keeps a cluster's: a random password per
 * database, and a per-project CA ("<uuid> Project CA", RSA 3072, sha384, as DigitalOcean's; research A.2) that
 * signs each database's server certificate. They live in the user's state directory, readable by the user only,
 * never in a shared temp dir. The certificates are made by openssl inside the PostgreSQL stand-in image, so the
 * host needs nothing but the engine.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-fs';
import { RehearseError } from '../../shared/errors.js';
import { LABEL, owner } from '../../shared/labels.js';
import type { Engine } from '../engine.js';
import { demuxBuffer } from '../logs.js';
import { requireImage, STAND_INS } from './images.js';

export interface DatabaseCredentials {
  password: string;
  /** The project CA, PEM: what `${db.CA_CERT}` gives. */
  caCert: string;
}

/** `$XDG_STATE_HOME/rehearse/projects/<project>` (default ~/.local/state), created 0700. */
export function projectStateDir(project: string): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  const dir = path.join(base, 'rehearse', 'projects', project);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The project's passwords, CA and certificates, gone with its databases' data (`down --volumes`). */
export function forgetCredentials(project: string): void {
  rmSync(projectStateDir(project), { recursive: true, force: true });
}

/** A password like DigitalOcean's (`AVNS_` and random characters), URL-safe. */
const newPassword = () => `AVNS_${randomBytes(16).toString('base64url').slice(0, 20)}`;

/** Credentials of each database that runs, made on first need and reused after. */
export async function databaseCredentials(
  docker: Engine,
  project: string,
  names: string[],
): Promise<Record<string, DatabaseCredentials>> {
  const dir = projectStateDir(project);
  const pwFile = path.join(dir, 'passwords.json');
  const passwords = existsSync(pwFile) ? (JSON.parse(readFileSync(pwFile, 'utf8')) as Record<string, string>) : {};
  const fresh = names.filter((n) => !passwords[n]);
  for (const n of fresh) passwords[n] = newPassword();
  if (fresh.length) writeFileSync(pwFile, JSON.stringify(passwords, null, 2), { mode: 0o600 });
  const missing = ['ca.crt', ...names.flatMap((n) => [`${n}.crt`, `${n}.key`])].some(
    (f) => !existsSync(path.join(dir, f)),
  );
  if (missing) await makeCertificates(docker, project, dir, names);
  const caCert = readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  return Object.fromEntries(names.map((n) => [n, { password: passwords[n]!, caCert }]));
}

// Keeps an existing CA (clients may trust it already); signs a server certificate per database whose names are
// the database's host alias, localhost and 127.0.0.1. The server sends leaf + CA, as production does: that chain
// is what makes Node report SELF_SIGNED_CERT_IN_CHAIN rather than UNABLE_TO_VERIFY_LEAF_SIGNATURE (research A.7).
const SCRIPT = `set -e
mkdir -p /pki && cd /pki
cp /tmp/in/ca.crt /tmp/in/ca.key . 2>/dev/null || true
if [ ! -s ca.key ]; then
  openssl req -x509 -newkey rsa:3072 -sha384 -days 3650 -nodes -subj "/CN=$(cat /proc/sys/kernel/random/uuid) Project CA" -keyout ca.key -out ca.crt 2>/dev/null
fi
for n in "$@"; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$n" -keyout "$n.key" -out "$n.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' "$n" > "$n.ext"
  openssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -sha256 -extfile "$n.ext" -out "$n.leaf" 2>/dev/null
  cat "$n.leaf" ca.crt > "$n.crt"
done
for f in ca.crt ca.key; do echo "==> $f"; cat "$f"; done
for n in "$@"; do for f in "$n.crt" "$n.key"; do echo "==> $f"; cat "$f"; done; done`;

async function makeCertificates(docker: Engine, project: string, dir: string, names: string[]) {
  const image = await requireImage(docker, STAND_INS.PG);
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sh', '-c', SCRIPT, 'pki', ...names],
    NetworkDisabled: true,
    Labels: { [LABEL.owner]: owner(), [LABEL.project]: project, [LABEL.kind]: 'helper' },
  });
  try {
    const existing = ['ca.crt', 'ca.key'].filter((f) => existsSync(path.join(dir, f)));
    if (existing.length === 2)
      await container.putArchive(
        tar.pack(dir, { entries: existing, map: (h) => ((h.name = `in/${h.name}`), h) }) as never,
        { path: '/tmp' },
      );
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
    const text = demuxBuffer(logs);
    if (StatusCode !== 0)
      throw new RehearseError('DATABASE_FAILED', `making the project's database certificates failed`, {
        details: text.slice(-2000),
        hint: 'rebuild the stand-in with "docker rmi rehearse/stand-in-postgresql:15" then scripts/base-images',
      });
    for (const part of text.split(/^==> /m).slice(1)) {
      const nl = part.indexOf('\n');
      const name = part.slice(0, nl).trim();
      writeFileSync(path.join(dir, name), part.slice(nl + 1), { mode: 0o600 });
    }
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
