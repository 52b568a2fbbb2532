import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinProfiles, loadProfile, sizeThatFits } from '../../../src/profile/profile.js';

describe('platform profiles', () => {
  it('loads every built-in profile', () => {
    for (const name of builtinProfiles()) expect(loadProfile(name).name).toBe(name);
  });
  it('carries the App Platform facts', () => {
    const p = loadProfile('digitalocean');
    expect(p.filesystem).toMatchObject({ mode: 'ephemeral', ephemeral_limit_mib: 4096 });
    expect(p.port.default_http_port).toBe(8080);
    expect(p.health).toEqual({
      initial_delay_seconds: 0,
      period_seconds: 10,
      timeout_seconds: 1,
      success_threshold: 1,
      failure_threshold: 9,
    });
    expect(p.termination).toEqual({ drain_seconds: 15, grace_period_seconds: 120 });
    expect(p.instance_sizes.find((s) => s.slug === 'apps-d-2vcpu-4gb')).toMatchObject({
      memory_mib: 4096,
      cpus: 2,
      usd_per_month: 78,
    });
  });
  it('recommends the smallest current size that fits', () => {
    expect(sizeThatFits(loadProfile('digitalocean'), 600)?.slug).toBe('apps-s-1vcpu-1gb-fixed');
  });
  it('takes a user profile file, and rejects a malformed one with the field named', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'profile-'));
    const base = loadProfile('digitalocean');
    const good = path.join(dir, 'mine.yaml');
    writeFileSync(good, JSON.stringify({ ...base, name: 'mine', router: { ...base.router, mode: 'streaming' } }));
    expect(loadProfile(good).router.mode).toBe('streaming');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, JSON.stringify({ ...base, router: { ...base.router, mode: 'fast' } }));
    expect(() => loadProfile(bad)).toThrow(/router\.mode/);
    expect(() => loadProfile('nowhere')).toThrow(/no platform profile named "nowhere"/);
  });
});

describe('compiled built-in profiles', () => {
  it('are what parsing their YAML gives, and keyed by its hash (so an edited profile is parsed again)', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseProfile, profileHash, SANDBOX_DIR } = await import('../../../src/profile/profile.js');
    // Written by `npm run build` (scripts/compile-profiles.mjs), which `npm test` runs first.
    const compiled = JSON.parse(readFileSync(path.join(SANDBOX_DIR, '../dist/profile/compiled-profiles.json'), 'utf8'));
    for (const name of builtinProfiles()) {
      const file = path.join(SANDBOX_DIR, `${name}.yaml`);
      const text = readFileSync(file, 'utf8');
      expect(compiled[`${name}.yaml`]).toEqual({ sha256: profileHash(text), profile: parseProfile(file, text) });
    }
  });
});
