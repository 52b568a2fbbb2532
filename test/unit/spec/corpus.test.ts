/**
 * Every real spec in ../shared/corpus: valid ones pass, real mistakes fail naming the mistake, non-specs say what
 * they are, hand-written invalid specs fail at the line their first comment gives.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/index.js';
import { CORPUS } from '../../helpers/paths.js';

const files = (dir: string) =>
  readdirSync(path.join(CORPUS, dir))
    .filter((f) => !f.endsWith('.md'))
    .sort();

/** The corpus's SOURCES.tsv flags specs that break the published schema; these must fail, with that reason. */
const sources = new Map(
  readFileSync(path.join(CORPUS, 'SOURCES.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((c) => c[0])
    .map((c) => [c[0]!, c[4] ?? '']),
);
const FLAG_CODES: Record<string, string[]> = {
  'INVALID-app-name': ['bad-name'],
  'INVALID-component-name': ['bad-name'],
  'MISSING-component-name': ['missing-field'],
  'UNKNOWN-top-key': ['unknown-key'],
};
/**
 * Flags rehearse reports as warnings, not errors: what the platform does with a reference it cannot resolve is not
 * documented (issue 12), so such a spec may deploy. When the semantic checks ran (a model was built), the warning
 * must be there.
 */
const FLAG_WARNINGS: Record<string, string> = { 'REF:dangling-bindable': 'unresolved-reference' };
/** Real mistakes the corpus does not flag, found by this validator and checked by hand. */
const ALSO_BROKEN: Record<string, { code: string; reason: string }> = {
  '182slash__PotuPartners-2.0__.do_app.yaml': { code: 'unknown-key', reason: '"volumes" is not an App Platform field' },
  'AFixt__livechat__.do_app.yaml': {
    code: 'unknown-key',
    reason: '"domains" inside a component, and a job with instance_count 0',
  },
  'EasyEscrow-AI__easy-escrow-ai-backend__.do_production.yaml': {
    code: 'unknown-key',
    reason: '"jobs" indented into a service',
  },
  'filimorniga-ux__farmacias-vallenar-suit__app_spec.yaml': {
    code: 'unknown-key',
    reason: 'an ingress "match" nested inside "redirect"',
  },
  'nikitagorelovwlnx__wlnx-cloud-deploy__do-app.yaml': {
    code: 'unknown-size',
    reason: '"apps-s-1vcpu-512mb" is not an instance size',
  },
  'Mwaqarulmulk__MegiLance__.digitalocean_app.yaml': { code: 'unknown-key', reason: '"health_check" on a static site' },
  'yuliia1024__courses-service__deploy_app-spec.yaml': {
    code: 'duplicate-name',
    reason: 'a service and a database both named "courses", and a MYSQL dev database',
  },
  // Issue 12: what the platform refuses and rehearse used to accept. doctl decodes into godo's structs, where an
  // env value is a string, so an unquoted number is refused; single_instance_only sizes run one instance; dev
  // databases are PostgreSQL only.
  'CaviraOSS__OpenMemory__.do_spec.yaml': { code: 'wrong-type', reason: 'env value: 8080, unquoted' },
  'ThewBear__do-n8n__.do_app.yaml': { code: 'wrong-type', reason: 'env value: 80, unquoted' },
  'pffreitas__cosmic-dolphin__.do_nodejs-api-app.yaml': { code: 'wrong-type', reason: 'env value: 3000, unquoted' },
  'dmdwebster-collab__payspyre-backend__.do_app.yaml': { code: 'wrong-type', reason: 'env value: 30, unquoted' },
  'thearyanahmed__do-ap-internal-lb-testing__.do_app-dev.yaml': {
    code: 'single-instance-size',
    reason: '2 instances of basic-xxs, a single-instance size',
  },
  'Carrier-1__svc-loadsure__.do_app.production.yaml': {
    code: 'single-instance-size',
    reason: '2 instances of basic-s twice, and a REDIS dev database',
  },
  'AMCarbonaro__RevNet__.do_app.yaml': { code: 'dev-database-engine', reason: 'a MONGODB dev database' },
};

describe('corpus/app-specs: real specs validate', () => {
  for (const f of files('app-specs')) {
    const flags = Object.keys(FLAG_CODES).filter((flag) => sources.get(f)?.includes(flag));
    const warned = Object.keys(FLAG_WARNINGS).filter((flag) => sources.get(f)?.includes(flag));
    const known = ALSO_BROKEN[f];
    it(`${f}${flags.length || known ? ' (a real mistake: must fail)' : ''}`, () => {
      const r = loadSpec(path.join(CORPUS, 'app-specs', f));
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      for (const flag of warned)
        if (r.model)
          expect(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code)).toContain(
            FLAG_WARNINGS[flag],
          );
      if (flags.length || known) {
        expect(r.ok).toBe(false);
        const codes = [...flags.flatMap((fl) => FLAG_CODES[fl]!), ...(known ? [known.code] : [])];
        expect(errors.some((e) => codes.includes(e.code))).toBe(true);
      } else {
        expect(errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([]);
        expect(r.model?.components.length ?? 0).toBeGreaterThanOrEqual(0);
      }
    });
  }
});

describe('corpus/real-mistakes: each fails naming its mistake', () => {
  // The key phrase from the folder's README, per file.
  const expected: Record<string, RegExp> = {
    'BigWhaleLabs__seal-hub-prover__.do_deploy.template.yaml': /needs a name/,
    'BlackDoggzz__unleash__.do_deploy.template.yaml@3a28353.yaml': /unknown key "build_command"/,
    'EasyEscrow-AI__easy-escrow-ai-backend__.do_app-staging.yaml@9ec8ef6.yaml': /rule must be one of .*RESPONSE_TIME/,
    'EvanTenenbaum__TERP__.do_app-augment-data-job.yaml@720f660.yaml': /kind must be one of .*"MANUAL"/,
    'EvanTenenbaum__TERP__.do_app.yaml@feee705.yaml': /unknown key "log_destinations"/,
    'abergman__annotation-platform__app.yaml@88eb8c2.yaml': /kind must be one of .*"CRON"/,
    'digitalocean__sample-python__do_app.yaml': /YAML syntax/,
    'do-community__node-express-api__.do_deploy.template.yaml@8c89e5a.yaml': /engine must be one of .*"mongodb"/,
    'do-community__node-express-api__.do_deploy.template.yaml@af9dfd7.yaml': /engine must be one of .*"mongo"/,
    'itzpraveen__novart__do-app.yaml@5bf3066.yaml': /scope must be one of .*"RUN_AND_BUILD"/,
    'jjaguirr__ai-agency-platform__.do_app-production.yaml': /rule must be one of .*RESPONSE_TIME_95P/,
    'martinlecs__zero2prod__.do_spec.yaml': /every database needs a name/,
    'ngutech21__vipr-wallet__.do_app.production.yaml': /enabled must be true or false|name the string "\$\{/,
    'shmindmaster__synapse__.do_app.yaml': /type must be one of GENERAL, SECRET, got the string "secret"/,
    'shmindmaster__synapse__app.yaml@4c6b026.yaml': /type must be one of GENERAL, SECRET, got the string "secret"/,
  };
  for (const f of files('real-mistakes')) {
    it(f, () => {
      const r = loadSpec(path.join(CORPUS, 'real-mistakes', f));
      expect(r.ok).toBe(false);
      const pattern = expected[f];
      expect(pattern, `add the expected mistake of ${f} to this test`).toBeDefined();
      const messages = r.diagnostics.map((d) => d.message).join('\n');
      expect(messages).toMatch(pattern!);
    });
  }
  it('the sample-python indentation mistake points at line 16', () => {
    const r = loadSpec(path.join(CORPUS, 'real-mistakes', 'digitalocean__sample-python__do_app.yaml'));
    expect(r.diagnostics[0]!.line).toBe(16);
  });
});

describe('corpus/not-app-specs: each says what the file is instead', () => {
  for (const f of files('not-app-specs')) {
    it(f, () => {
      const r = loadSpec(path.join(CORPUS, 'not-app-specs', f));
      expect(r.ok).toBe(false);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]!.code).toBe('not-an-app-spec');
      expect(r.diagnostics[0]!.message).toMatch(
        /looks like (a|an) (Google App Engine|GitHub|Docker Compose|Render|Databricks|Cloud Foundry|Kubernetes)/,
      );
    });
  }
});

/**
 * Hand-written cases whose mistake rehearse now reports as a warning at the expected line (issue 12: a reference to
 * a name that is no component or database is not documented to fail a deploy).
 */
const WARNS_INSTEAD: Record<string, string> = { '07-unknown-binding.yaml': 'unresolved-reference' };

describe('corpus/invalid: the first error is at the expected line', () => {
  for (const f of files('invalid')) {
    const file = path.join(CORPUS, 'invalid', f);
    const m = /expect-line:\s*(\d+)\s*\((.*)\)/.exec(readFileSync(file, 'utf8').split('\n')[0]!);
    const warning = WARNS_INSTEAD[f];
    if (warning) {
      it(`${f} → a ${warning} warning at line ${m?.[1]}`, () => {
        const r = loadSpec(file);
        expect(r.ok).toBe(true);
        const d = r.diagnostics.find((x) => x.code === warning);
        expect([d?.severity, d?.line]).toEqual(['warning', Number(m![1])]);
        expect(d?.hint).toBeTruthy();
      });
      continue;
    }
    it(`${f} → line ${m?.[1]}`, () => {
      expect(m).not.toBeNull();
      const r = loadSpec(file);
      expect(r.ok).toBe(false);
      const errors = r.diagnostics.filter((d) => d.severity === 'error').sort((a, b) => a.line - b.line);
      expect(errors[0]!.line).toBe(Number(m![1]));
      expect(errors[0]!.hint).toBeTruthy();
    });
  }
});

it('the corpus is where the tests expect it', () => {
  expect(existsSync(path.join(CORPUS, 'app-specs'))).toBe(true);
  expect(files('app-specs').length).toBeGreaterThan(100);
});
