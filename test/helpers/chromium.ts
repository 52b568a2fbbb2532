import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's chromium for the browser tests (playwright-core drives it; it downloads no browser of its own). */
export function ensureChromium(): string {
  const bin = '/usr/bin/chromium';
  if (existsSync(bin)) return bin;
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    apt(['install', '-y', '-qq', 'chromium']);
  } catch {
    // A fresh machine's package lists may not know chromium yet.
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', 'chromium']);
  }
  return bin;
}
