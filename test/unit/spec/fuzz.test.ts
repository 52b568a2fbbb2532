/** No input makes the spec loader throw: every failure is a diagnostic. */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadSpecText } from '../../../src/spec/index.js';
import { CORPUS } from '../../helpers/paths.js';

const seeds = readdirSync(path.join(CORPUS, 'app-specs'))
  .slice(0, 40)
  .map((f) => readFileSync(path.join(CORPUS, 'app-specs', f), 'utf8'));

it('arbitrary text never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (text) => {
      const r = loadSpecText('/x/app.yaml', text);
      expect(Array.isArray(r.diagnostics)).toBe(true);
    }),
    { numRuns: 400 },
  );
});

it('real specs cut, spliced and corrupted never throw', () => {
  fc.assert(
    fc.property(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.string({ maxLength: 20 }), (spec, a, b, junk) => {
      const i = a % (spec.length + 1);
      const j = Math.min(spec.length, i + (b % 50));
      const r = loadSpecText('/x/.do/app.yaml', spec.slice(0, i) + junk + spec.slice(j));
      expect(typeof r.ok).toBe('boolean');
      for (const d of r.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
    }),
    { numRuns: 300 },
  );
});

it('arbitrary JSON-shaped values in spec positions never throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = `name: app\nservices:\n  - name: web\n    health_check: ${JSON.stringify(value)}\n    envs: ${JSON.stringify(value)}\n`;
      loadSpecText('/x/app.yaml', text);
    }),
    { numRuns: 300 },
  );
});
