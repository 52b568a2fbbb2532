/**
 * The images databases run from. No registry answers on these machines, so each engine runs from an offline
 * stand-in built from Debian's packages by scripts/base-images (scripts/stand-ins/*.Dockerfile): the versions
 * they carry, not the spec's, and the parity report says so.
 */
import type { Profile } from '../../profile/profile.js';
import { RehearseError } from '../../shared/errors.js';
import type { AppModel } from '../../spec/model.js';
import type { Engine } from '../engine.js';

export interface StandIn {
  image: string;
  /** What runs, for the parity report. */
  runs: string;
  /** The major version it carries, compared with the spec's `version`. */
  version: string;
}

export const STAND_INS = {
  PG: { image: 'rehearse/stand-in-postgresql:15', runs: 'PostgreSQL 15 (Debian bookworm)', version: '15' },
  POOL: { image: 'rehearse/stand-in-postgresql:15', runs: 'PgBouncer 1.18 (Debian bookworm)', version: '1.18' },
  REDIS: { image: 'rehearse/stand-in-redis:7.0', runs: 'Redis 7.0 (Debian bookworm)', version: '7' },
} as const satisfies Record<string, StandIn>;

/** Engines rehearse runs, and the stand-in each runs on. */
export const RUNNABLE: Record<string, StandIn> = {
  PG: STAND_INS.PG,
  REDIS: STAND_INS.REDIS,
  VALKEY: STAND_INS.REDIS,
};

export async function requireImage(docker: Engine, s: StandIn): Promise<string> {
  const present = await docker
    .getImage(s.image)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (!present)
    throw new RehearseError('DATABASE_FAILED', `the database stand-in image ${s.image} is not in the local engine`, {
      hint: 'build the stand-ins once with scripts/base-images ("npm run images" in a clone of rehearse); it uses Debian packages only',
    });
  return s.image;
}

/** Names of the model's databases rehearse can run under this profile. */
export function runnableEngines(model: AppModel, profile: Profile): string[] {
  return profile.databases ? model.databases.filter((d) => RUNNABLE[d.engine]).map((d) => d.name) : [];
}
