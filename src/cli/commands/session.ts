/** Verbs that work against a running session from any terminal: ps, logs, exec, restart. */
import type { Command } from 'commander';
import pc from 'picocolors';
import { projectExec, projectLogs, projectRestart, projectStatus } from '../../app/project.js';
import { RehearseError } from '../../shared/errors.js';
import { Prefixer } from '../render/log-prefix.js';
import { table } from '../render/table.js';

const SPEC = ['--spec <file>', 'the app spec (default: .do/app.yaml and friends in this folder)'] as const;

export function sessionCommands(program: Command) {
  program
    .command('ps')
    .description("list the running instances of this project's app")
    .option(...SPEC)
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rehearse ps\n  $ rehearse ps --json | jq \'.instances[] | select(.state != "running")\'',
    )
    .action(async (opts: { spec?: string; json?: boolean }) => {
      const s = await projectStatus(opts.spec);
      if (opts.json)
        return void process.stdout.write(
          JSON.stringify({ url: s.session?.url ?? null, pid: s.session?.pid ?? null, ...s }, null, 2) + '\n',
        );
      if (s.session?.url) process.stdout.write(`${pc.bold(s.session.url)}  (pid ${s.session.pid})\n`);
      if (!s.instances.length) return void process.stdout.write('nothing of this app is running\n');
      process.stdout.write(
        table(
          ['INSTANCE', 'KIND', 'STATE', 'STATUS', 'RESTARTS', 'MEMORY', 'PUBLISHED'],
          s.instances.map((i) => [
            i.instance,
            i.kind,
            i.state,
            i.status,
            String(i.restarts),
            `${i.memoryMiB} MiB`,
            i.published ?? '-',
          ]),
        ) + '\n',
      );
      // A crash loop, with what the last crash said.
      for (const i of s.instances.filter((x) => x.lastCrash))
        process.stdout.write(pc.red(`${i.instance} crashed ${i.restarts} time(s); last: ${i.lastCrash}\n`));
    });

  program
    .command('logs [component]')
    .description('show the logs of every instance, or of one component (secrets masked)')
    .option(...SPEC)
    .option('-f, --follow', 'keep following new lines')
    .option('--since <when>', 'only lines since a duration ago (10m, 2h) or a time')
    .addHelpText('after', '\nExamples:\n  $ rehearse logs\n  $ rehearse logs web -f --since 5m')
    .action(async (component: string | undefined, opts: { spec?: string; follow?: boolean; since?: string }) => {
      const prefix = new Prefixer();
      await projectLogs({
        ...(opts.spec ? { spec: opts.spec } : {}),
        ...(component ? { component } : {}),
        follow: opts.follow ?? false,
        ...(opts.since ? { since: opts.since } : {}),
        onLine: (i, l) => process.stdout.write(prefix.line(i, l) + '\n'),
      });
    });

  program
    .command('exec <component> [cmd...]')
    .description('run a command in a running instance: the console production gives (default: sh)')
    .option(...SPEC)
    .option('-i, --instance <n>', 'which instance, 1-based', '1')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rehearse exec web                      # a shell in web-1\n  $ rehearse exec web -i 2 -- env\n  $ rehearse exec web -- python manage.py migrate --check',
    )
    .action(async (component: string, cmd: string[], opts: { spec?: string; instance: string }) => {
      const n = Number(opts.instance);
      if (!Number.isInteger(n) || n < 1)
        throw new RehearseError('USAGE', `--instance must be 1 or more, not "${opts.instance}"`);
      const command = cmd.length ? cmd : ['sh'];
      const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
      // Piped or redirected stdin goes to the command, as `docker exec -i` does; a terminal only with a TTY.
      process.exitCode = await projectExec(opts.spec, component, n, command, tty, tty || process.stdin.isTTY !== true);
    });

  program
    .command('restart <component>')
    .description("restart a component's instances one by one (SIGTERM, grace, start, health check)")
    .option(...SPEC)
    .addHelpText('after', '\nExample:\n  $ rehearse restart web')
    .action(async (component: string, opts: { spec?: string }) => {
      await projectRestart(opts.spec, component);
      process.stdout.write(`${component} restarted and live again\n`);
    });
}
