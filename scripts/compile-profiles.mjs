// The built-in platform profiles (sandbox/*.yaml), parsed and validated once at build time into
// dist/profile/compiled-profiles.json, each keyed by a hash of its YAML (see loadProfile in src/profile/profile.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseProfile, profileHash, SANDBOX_DIR } from '../dist/profile/profile.js';

const out = {};
for (const name of readdirSync(SANDBOX_DIR).filter((f) => f.endsWith('.yaml'))) {
  const file = path.join(SANDBOX_DIR, name);
  const text = readFileSync(file, 'utf8');
  out[name] = { sha256: profileHash(text), profile: parseProfile(file, text) };
}
writeFileSync('dist/profile/compiled-profiles.json', JSON.stringify(out));
