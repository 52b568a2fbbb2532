/** `npm run catalog`: every case and its fix, one table; exits non-zero unless every row is yes/yes. */
import { CASES as VOLUME_1, runCase } from './cases.js';
import { VOLUME_2 } from './volume-2.js';

const CASES = [...VOLUME_1, ...VOLUME_2].sort((a, b) => a.n - b.n);

const rows: string[][] = [];
const full: string[] = [];
let ok = true;
for (const c of CASES) {
  const r = await runCase(c).catch((err: Error) => ({
    symptom: false,
    diagnosis: `catalog error: ${err.message}`,
    fixedPasses: false,
  }));
  const diagnosed = r.symptom && c.expect.test(r.diagnosis);
  ok &&= diagnosed && r.fixedPasses;
  rows.push([
    `${c.n}. ${c.id}`,
    r.symptom ? 'yes' : 'NO',
    diagnosed ? r.diagnosis.split('\n')[0]! : `NO: ${r.diagnosis}`,
    r.fixedPasses ? 'yes' : 'NO',
    c.shortened ? `${c.shortened.what}: ${c.shortened.used} (production ${c.shortened.production})` : '',
  ]);
  full.push(`${c.n}. ${c.id}: ${r.diagnosis.replace(/\n/g, '\n     ')}`);
  console.error(`${c.id}: done`);
}
const head = ['case', 'symptom reproduced', 'diagnosis shown', 'fix passes', 'shortened'];
const w = head.map((h, i) => Math.min(i === 2 ? 110 : 40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
const line = (r: string[]) =>
  r.map((c, i) => (c.length > w[i]! ? c.slice(0, w[i]! - 1) + '…' : c.padEnd(w[i]!))).join(' | ');
console.log(line(head));
console.log(w.map((x) => '-'.repeat(x)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log('\nThe diagnoses in full:');
for (const f of full) console.log(`  ${f}`);
console.log(
  `\n${rows.length} cases (${CASES.map((c) => c.n).join(', ')} of the 14 in the first volume and the cases of the second); ${ok ? 'all yes/yes' : 'NOT all yes/yes'}`,
);
process.exit(ok ? 0 : 1);
