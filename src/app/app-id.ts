import { createHash } from 'node:crypto';

/** App name plus a short hash of the spec's path: two checkouts of one app never share containers. */
export function appIdFor(name: string, specFile: string): string {
  return `${name}-${createHash('sha256').update(specFile).digest('hex').slice(0, 6)}`;
}
