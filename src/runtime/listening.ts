/**
 * What a container really listens on, read from /proc/net/tcp{,6} inside it: the evidence behind
 * "web listens on 127.0.0.1:8000, but the platform sends traffic to 0.0.0.0:8080 ($PORT)".
 */
import type { Engine } from './engine.js';
import { execText } from './engine.js';

export interface Listener {
  address: string;
  port: number;
}

const LISTEN = '0A';

export function parseProcNetTcp(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || cols[3] !== LISTEN || !cols[1]?.includes(':')) continue;
    const [hex, portHex] = cols[1].split(':') as [string, string];
    const address = hexToAddress(hex);
    // Docker's embedded DNS resolver listens inside every container on a user network; it is not the app.
    if (address === '127.0.0.11') continue;
    out.push({ address, port: parseInt(portHex, 16) });
  }
  return out;
}

function hexToAddress(hex: string): string {
  if (hex.length === 8) {
    // IPv4 in host (little-endian) byte order.
    return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  }
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return hexToAddress(hex.slice(24));
  return hex;
}

export const isWildcard = (address: string) => address === '0.0.0.0' || address === '::';

/** undefined when the sockets cannot be read (an image without `cat`, a container that just died): `trace` says why. */
export async function listeners(
  docker: Engine,
  containerId: string,
  trace?: (message: string) => void,
): Promise<Listener[] | undefined> {
  try {
    const r = await execText(docker, containerId, ['cat', '/proc/net/tcp', '/proc/net/tcp6'], 3000);
    if (r.code !== 0)
      trace?.(`reading the sockets of ${containerId.slice(0, 12)}: cat exited ${r.code}: ${r.stderr.trim()}`);
    return parseProcNetTcp(r.stdout);
  } catch (err) {
    trace?.(`reading the sockets of ${containerId.slice(0, 12)} failed: ${(err as Error).message}`);
    return undefined;
  }
}

/** One sentence on why traffic to PORT cannot arrive, or undefined when something listens there correctly. */
export function explainListeners(component: string, port: number, ls: Listener[]): string | undefined {
  if (ls.some((l) => l.port === port && isWildcard(l.address))) return undefined;
  const onPort = ls.find((l) => l.port === port);
  if (onPort)
    return `${component} listens on ${onPort.address}:${port}, which only the container itself can reach; bind 0.0.0.0:${port} so the router can reach it`;
  const other = ls.filter((l) => l.port !== port);
  if (other.length)
    return `${component} listens on ${other.map((l) => `${l.address}:${l.port}`).join(', ')}, but the platform sends traffic to 0.0.0.0:${port} ($PORT); read the port from $PORT${other.some((l) => !isWildcard(l.address)) ? ' and bind 0.0.0.0' : ''}`;
  return `${component} listens on no TCP port at all; the platform sends traffic to 0.0.0.0:${port} ($PORT)`;
}
