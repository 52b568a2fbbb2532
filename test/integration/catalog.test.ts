/** The failure catalog: every case reproduces its production symptom, says why, and its fixed twin passes. */
import { describe, expect, it } from 'vitest';
import { CASES as VOLUME_1, runCase } from '../../examples/broken/cases.js';
import { VOLUME_2 } from '../../examples/broken/volume-2.js';

const CASES = [...VOLUME_1, ...VOLUME_2].sort((a, b) => a.n - b.n);

describe('the failure catalog', () => {
  for (const c of CASES) {
    it(`${c.n}. ${c.id}: ${c.title}`, async () => {
      const r = await runCase(c);
      expect(r.symptom, `symptom not reproduced; diagnosis: ${r.diagnosis}`).toBe(true);
      expect(r.diagnosis).toMatch(c.expect);
      // One or two lines a newcomer reads: short, and naming a fix.
      expect(r.diagnosis.split('\n').length).toBeLessThanOrEqual(2);
      expect(r.fixedPasses).toBe(true);
    });
  }
});
