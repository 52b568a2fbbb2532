import type { Command } from 'commander';
import { downApp } from '../../app/down.js';

export function downCommand(program: Command) {
  program
    .command('down')
    .description("stop and remove every container and network of this project's app")
    .option('--spec <file>', 'the app spec (default: .do/app.yaml and friends in this folder)')
    .option('-t, --timeout <seconds>', "seconds between SIGTERM and SIGKILL (default: each component's grace period)")
    .addHelpText('after', '\nExamples:\n  $ rehearse down\n  $ rehearse down --spec examples/hello/.do/app.yaml -t 0')
    .action(async (opts: { spec?: string; timeout?: string }) => {
      const { project, apps } = await downApp({
        ...(opts.spec ? { spec: opts.spec } : {}),
        ...(opts.timeout !== undefined ? { graceSeconds: Number(opts.timeout) } : {}),
      });
      process.stdout.write(
        apps.length
          ? `stopped and removed ${apps.join(', ')} (every container and network labelled rehearse.project=${project})\n`
          : `nothing of this app is running (rehearse.project=${project})\n`,
      );
    });
}
