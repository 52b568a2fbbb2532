import type { Command } from 'commander';
import { componentDockerfile } from '../../app/dockerfile.js';

export function dockerfileCommand(program: Command) {
  program
    .command('dockerfile <component>')
    .description(
      "print the Dockerfile rehearse builds a component without one from: what the platform's buildpack does",
    )
    .option('--spec <file>', 'the app spec (default: .do/app.yaml and friends in this folder)')
    .addHelpText(
      'after',
      `
The summary goes to stderr, the Dockerfile to stdout. Adopt it: save it in source_dir and set dockerfile_path.

Examples:
  $ rehearse dockerfile web > Dockerfile
  $ rehearse dockerfile web | docker build -f - .`,
    )
    .action(async (component: string, opts: { spec?: string }) => {
      const r = await componentDockerfile(component, opts.spec ? { spec: opts.spec } : {});
      process.stderr.write(
        `# ${r.summary}${r.engine ? '' : ' (no Docker engine answered: base images named without checking)'}\n`,
      );
      process.stdout.write(r.dockerfile);
    });
}
