import type { Command } from 'commander';
import { loadProfile } from '../../profile/profile.js';
import { loadModel, specFileOf } from '../../app/load-model.js';
import { renderDiagnostics, summary } from '../render/diagnostics.js';

export function validateCommand(program: Command) {
  program
    .command('validate')
    .description('check an app spec against the App Platform schema and rules, without building anything')
    .option('--spec <file>', 'the app spec (default: .do/app.yaml, .do/app.yml, app.yaml, .do/deploy.template.yaml)')
    .option('--platform <name|file>', 'platform profile: digitalocean, heroku, or a profile YAML', 'digitalocean')
    .option('--files', 'also check that dockerfile_path and source_dir exist in the repository')
    .option('--json', 'print a JSON list of problems (file, line, column, path, severity, code, message, hint)')
    .addHelpText(
      'after',
      `
Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error.

Examples:
  $ rehearse validate
  $ rehearse validate --spec .do/deploy.template.yaml --files
  $ rehearse validate --json | jq '.[] | select(.severity == "error")'`,
    )
    .action((opts: { spec?: string; platform: string; files?: boolean; json?: boolean }) => {
      const file = specFileOf(opts.spec);
      const result = loadModel({ file, profile: loadProfile(opts.platform), checkFiles: opts.files ?? false });
      if (opts.json) {
        process.stdout.write(JSON.stringify(result.diagnostics, null, 2) + '\n');
      } else {
        const text = renderDiagnostics(result.diagnostics);
        if (text) process.stdout.write(text + '\n');
        process.stdout.write(`${result.ok ? '✔ valid' : '✘ invalid'}: ${file} (${summary(result.diagnostics)})\n`);
        if (result.ok && result.model?.notEmulated.length)
          process.stdout.write(result.model.notEmulated.map((n) => `  note: ${n}`).join('\n') + '\n');
      }
      process.exitCode = result.ok ? 0 : 1;
    });
}
