import { createHash, randomBytes } from 'node:crypto';

/** A spec file's project id: the same checkout always maps to the same project. */
export function projectIdFor(specFile: string): string {
  return createHash('sha256').update(specFile).digest('hex').slice(0, 10);
}

/** One running app: readable name, its project, and a random part so two runs of one spec never collide. */
export function appIdFor(name: string, specFile: string): string {
  return `${name}-${projectIdFor(specFile).slice(0, 6)}-${randomBytes(2).toString('hex')}`;
}
