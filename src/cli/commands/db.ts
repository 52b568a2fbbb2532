/** `rehearse db`: the running app's databases, from any terminal. */
import type { Command } from 'commander';
import { databaseShell, databaseUrl } from '../../app/databases.js';

const SPEC = ['--spec <file>', 'the app spec (default: .do/app.yaml and friends in this folder)'] as const;

export function dbCommands(program: Command) {
  const db = program.command('db').description("the running app's databases: a client inside, or a URL for tools");
  for (const verb of ['psql', 'shell'])
    db.command(`${verb} <name> [args...]`)
      .description("open the engine's own client (psql, redis-cli) in the database's container, over TLS")
      .option(...SPEC)
      .addHelpText(
        'after',
        `\nExamples:\n  $ rehearse db ${verb} db\n  $ rehearse db ${verb} db -- -c 'select count(*) from users'\n  $ rehearse db ${verb} cache -- info keyspace`,
      )
      .action(async (name: string, args: string[], opts: { spec?: string }) => {
        process.exitCode = await databaseShell(
          opts.spec,
          name,
          args,
          process.stdin.isTTY === true && process.stdout.isTTY === true,
        );
      });
  db.command('url <name>')
    .description('print a URL for tools on this machine: 127.0.0.1, TLS verified against the project CA')
    .option(...SPEC)
    .option('--show-password', 'put the password in the URL (by default a libpq passfile holds it)')
    .addHelpText('after', '\nExamples:\n  $ psql "$(rehearse db url db)"\n  $ rehearse db url cache --show-password')
    .action(async (name: string, opts: { spec?: string; showPassword?: boolean }) => {
      const r = await databaseUrl(opts.spec, name, opts.showPassword === true);
      process.stdout.write(r.url + '\n');
      process.stderr.write(
        `CA: ${r.caFile}` +
          (r.passwordFile
            ? `; password in ${r.passwordFile} (readable by you only)`
            : opts.showPassword
              ? ''
              : '; add --show-password for a URL with the password') +
          '\n',
      );
    });
}
