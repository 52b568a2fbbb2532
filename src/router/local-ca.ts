/**
 * The local HTTPS origin's certificate: a certificate authority made on first use for this user alone (never a
 * key shipped with rehearse, which anyone could use to impersonate any site to whoever trusted it), and a
 * certificate for 127.0.0.1, ::1 and localhost signed by it. Both live in the user's data folder, the folder
 * 0700 and every file 0600; the CA's key never leaves it. Made with Debian's openssl: Node has no X.509 writer.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** A new P-256 key, unencrypted (the folder's mode protects it). */
const NEW_KEY = ['-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

export interface LocalCertificate {
  cert: string;
  key: string;
  /** The CA certificate to trust (public; its key stays in the folder). */
  caFile: string;
  /** True when the CA was made by this call: the caller says once how to trust it. */
  created: boolean;
}

/** `$XDG_DATA_HOME/rehearse/ca`, else `~/.local/share/rehearse/ca`. */
export function caDir(env: NodeJS.ProcessEnv = process.env): string {
  const data = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'rehearse', 'ca');
}

const exists = (f: string) =>
  stat(f).then(
    () => true,
    () => false,
  );

export async function localCertificate(dir = caDir()): Promise<LocalCertificate> {
  const f = (n: string) => path.join(dir, n);
  let created = false;
  if (!(await exists(f('ca.crt'))) || !(await exists(f('ca.key')))) {
    await makeCa(dir);
    created = true;
  }
  if (created || !(await exists(f('localhost.crt'))) || !(await exists(f('localhost.key')))) await makeLeaf(dir);
  const [cert, key] = await Promise.all([readFile(f('localhost.crt'), 'utf8'), readFile(f('localhost.key'), 'utf8')]);
  return { cert, key, caFile: f('ca.crt'), created };
}

async function makeCa(dir: string) {
  // The folder first, private: the keys are never readable by others, not even while openssl writes them.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const who = `${os.userInfo().username}@${os.hostname()}`;
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    ...NEW_KEY,
    '-keyout',
    path.join(dir, 'ca.key'),
    '-out',
    path.join(dir, 'ca.crt'),
    '-days',
    '3650',
    '-subj',
    `/O=rehearse/CN=rehearse local CA (${who})`,
    '-addext',
    'basicConstraints=critical,CA:TRUE,pathlen:0',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await private0600(dir, ['ca.key', 'ca.crt']);
}

async function makeLeaf(dir: string) {
  const f = (n: string) => path.join(dir, n);
  await writeFile(
    f('localhost.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
    { mode: 0o600 },
  );
  await run('openssl', [
    'req',
    '-new',
    ...NEW_KEY,
    '-keyout',
    f('localhost.key'),
    '-out',
    f('localhost.csr'),
    '-subj',
    '/O=rehearse/CN=localhost',
  ]);
  // 825 days: the longest validity Apple's and Chromium's rules accept for a certificate from a private CA.
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('localhost.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-set_serial',
    `0x${Date.now().toString(16)}`,
    '-days',
    '825',
    '-extfile',
    f('localhost.ext'),
    '-out',
    f('localhost.crt'),
  ]);
  await Promise.all([rm(f('localhost.csr'), { force: true }), rm(f('localhost.ext'), { force: true })]);
  await private0600(dir, ['localhost.key', 'localhost.crt']);
}

async function private0600(dir: string, files: string[]) {
  await Promise.all(files.map((n) => chmod(path.join(dir, n), 0o600)));
}

/** How to trust the CA, said once, when it was made. */
export function trustHint(caFile: string): string {
  return [
    `rehearse made a certificate authority for this user at ${caFile}, to serve the app over HTTPS locally.`,
    `Trust it: curl --cacert ${caFile}; Node: NODE_EXTRA_CA_CERTS=${caFile};`,
    `Debian system-wide: sudo cp ${caFile} /usr/local/share/ca-certificates/rehearse.crt && sudo update-ca-certificates;`,
    `Chromium/Firefox: Settings > Certificates > Authorities > Import. Its key never leaves ${path.dirname(caFile)}.`,
  ].join('\n');
}
