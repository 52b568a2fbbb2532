/** rehearse's command line: parse, call the library, render. No Docker calls live here. */
import './zod-jitless.js';
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { validateCommand } from './commands/validate.js';
import { upCommand } from './commands/up.js';
import { downCommand } from './commands/down.js';
import { dbCommands } from './commands/db.js';
import { sessionCommands } from './commands/session.js';
import { reportCommands } from './commands/reports.js';
import { dockerfileCommand } from './commands/dockerfile.js';
import { EXIT, exitCodeFor, renderError } from './render/errors.js';
import { endQuietlyOnClosedOutput } from './closed-output.js';

endQuietlyOnClosedOutput();
const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
const program = new Command('rehearse')
  .description(
    "Run an App Platform app spec locally under production's rules, so it fails here the way it would fail there.",
  )
  .version(pkg.version)
  .option('--verbose', 'show stack traces for failures')
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');
program.addHelpText(
  'after',
  `
Examples:
  $ rehearse validate                 check .do/app.yaml
  $ rehearse up                       build, run under the platform's sandbox, serve on http://127.0.0.1:8080`,
);
validateCommand(program);
upCommand(program);
downCommand(program);
dbCommands(program);
sessionCommands(program);
reportCommands(program);
dockerfileCommand(program);

// No top-level await: the bundled CLI is a CommonJS script (scripts/bundle-cli.mjs).
program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // --help and --version end here too; they are not failures.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.stderr.write(renderError(err, program.opts().verbose === true) + '\n');
    process.exitCode = exitCodeFor(err);
  }
});
