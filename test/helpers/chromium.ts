import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's chromium for the browser tests (playwright-core drives it; it downloads no browser of its own). */
export function ensureChromium(): string {
  const bin = '/usr/bin/chromium';
  if (!existsSync(bin))
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  return bin;
}
