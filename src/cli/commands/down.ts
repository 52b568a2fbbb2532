import type { Command } from 'commander';
import { downApp } from '../../app/down.js';

export function downCommand(program: Command) {
  program
    .command('down')
    .description("stop and remove every container and network of this project's app")
    .option('--spec <file>', 'the app spec (default: .do/app.yaml and friends in this folder)')
    .option('-t, --timeout <seconds>', "seconds between SIGTERM and SIGKILL (default: each component's grace period)")
    .option('--rmi', 'also remove the images built for this app (kept by default: they are the layer cache)')
    .option('-v, --volumes', "also remove the databases' data (kept by default, as a managed cluster outlives deploys)")
    .addHelpText(
      'after',
      "\nExamples:\n  $ rehearse down\n  $ rehearse down --spec examples/hello/.do/app.yaml -t 0\n  $ rehearse down --rmi      # and the built images, as compose down --rmi local\n  $ rehearse down --volumes  # and the databases' data, as compose down --volumes",
    )
    .action(async (opts: { spec?: string; timeout?: string; rmi?: boolean; volumes?: boolean }) => {
      const { project, apps, images, volumes } = await downApp({
        ...(opts.spec ? { spec: opts.spec } : {}),
        ...(opts.timeout !== undefined ? { graceSeconds: Number(opts.timeout) } : {}),
        removeImages: opts.rmi === true,
        removeVolumes: opts.volumes === true,
      });
      process.stdout.write(
        apps.length
          ? `stopped and removed ${apps.join(', ')} (every container and network labelled rehearse.project=${project})\n`
          : `nothing of this app is running (rehearse.project=${project})\n`,
      );
      if (opts.rmi)
        process.stdout.write(
          images.length ? `removed images ${images.join(', ')}\n` : 'no images built for this app\n',
        );
      if (opts.volumes)
        process.stdout.write(
          volumes.length ? `removed database volumes ${volumes.join(', ')}\n` : 'no database volumes for this app\n',
        );
    });
}
