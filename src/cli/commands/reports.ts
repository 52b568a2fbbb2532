/** Verbs that read the spec (and the machine): env, cost, doctor. */
import type { Command } from 'commander';
import pc from 'picocolors';
import { doctor } from '../../app/doctor.js';
import { appCost, componentEnv } from '../../app/reports.js';
import { table } from '../render/table.js';

const SPEC = ['--spec <file>', 'the app spec (default: .do/app.yaml and friends in this folder)'] as const;
const PLATFORM = [
  '--platform <name|file>',
  'platform profile: digitalocean, heroku, or a profile YAML',
  'digitalocean',
] as const;

export function reportCommands(program: Command) {
  program
    .command('env <component>')
    .description('print the run-time environment a component gets, bindables resolved (secrets masked)')
    .option(...SPEC)
    .addHelpText('after', '\nExample:\n  $ rehearse env web')
    .action((component: string, opts: { spec?: string }) => {
      for (const e of componentEnv(opts.spec, component))
        process.stdout.write(
          `${e.key}=${e.value}${e.origin === 'platform' ? pc.dim('  # set by the platform') : e.origin === 'missing' ? pc.yellow('  # no local value') : ''}\n`,
        );
    });

  program
    .command('cost')
    .description('the monthly cost of this spec on the platform, per component and in total')
    .option(...SPEC)
    .option(...PLATFORM)
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ rehearse cost\n  $ rehearse cost --platform heroku')
    .action((opts: { spec?: string; platform: string; json?: boolean }) => {
      const c = appCost(opts.spec, opts.platform);
      if (opts.json) return void process.stdout.write(JSON.stringify(c, null, 2) + '\n');
      process.stdout.write(
        table(
          ['COMPONENT', 'KIND', 'SIZE', 'INSTANCES', 'USD/MONTH', ''],
          c.lines.map((l) => [
            l.component,
            l.kind,
            l.slug,
            String(l.instances),
            l.usdPerMonth.toFixed(2),
            l.note ?? '',
          ]),
        ) + '\n',
      );
      process.stdout.write(`total on ${c.platform}: $${c.total.toFixed(2)} a month\n`);
    });

  program
    .command('doctor')
    .description('check the engine, the images, the port and the spec, and say what to fix')
    .option(...SPEC)
    .option(...PLATFORM)
    .option('--port <n>', 'the router port to check', '8080')
    .addHelpText('after', '\nExample:\n  $ rehearse doctor')
    .action(async (opts: { spec?: string; platform: string; port: string }) => {
      const checks = await doctor({
        ...(opts.spec ? { spec: opts.spec } : {}),
        platform: opts.platform,
        port: Number(opts.port),
      });
      for (const c of checks)
        process.stdout.write(
          `${c.ok ? pc.green('✔') : pc.red('✘')} ${c.name}: ${c.detail}${!c.ok && c.fix ? `\n    ${pc.green('fix:')} ${c.fix}` : ''}\n`,
        );
      process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
    });
}
