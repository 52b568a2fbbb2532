import type { Command } from 'commander';
import pc from 'picocolors';
import { startApp, type AppEvent } from '../../app/start-app.js';
import { RehearseError } from '../../shared/errors.js';
import { renderDiagnostics } from '../render/diagnostics.js';
import { Prefixer } from '../render/log-prefix.js';

interface UpOptions {
  spec?: string;
  platform: string;
  port: string;
  host?: string;
  router?: string;
  filesystem?: string;
}

export function upCommand(program: Command) {
  program
    .command('up')
    .description(
      "validate, build every component, run it under the platform's sandbox, and serve it behind the edge router",
    )
    .option('--spec <file>', 'the app spec (default: .do/app.yaml and friends in this folder)')
    .option('--platform <name|file>', 'platform profile: digitalocean, heroku, or a profile YAML', 'digitalocean')
    .option('--port <n>', 'router port on 127.0.0.1', '8080')
    .option('--host <address>', 'router address (default 127.0.0.1; anything else exposes the app to your network)')
    .option('--router <mode>', "buffering or streaming (default: the profile's)")
    .option('--filesystem <mode>', 'read-only (only /dev/shm writable) or ephemeral (writable, wiped by a new up)')
    .addHelpText(
      'after',
      `
Ctrl-C stops every instance (SIGTERM, then SIGKILL after the grace period) and removes every container and
network; a second Ctrl-C kills at once.

Examples:
  $ rehearse up
  $ rehearse up --spec examples/hello/.do/app.yaml --port 9000
  $ rehearse up --router streaming      # Heroku-style router: slow clients reach your workers`,
    )
    .action(async (opts: UpOptions) => {
      if (opts.router && opts.router !== 'buffering' && opts.router !== 'streaming')
        throw new RehearseError('USAGE', `--router must be buffering or streaming, not "${opts.router}"`);
      if (opts.filesystem && opts.filesystem !== 'read-only' && opts.filesystem !== 'ephemeral')
        throw new RehearseError('USAGE', `--filesystem must be read-only or ephemeral, not "${opts.filesystem}"`);
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new RehearseError('USAGE', `--port must be a port number, not "${opts.port}"`);
      if (opts.host && opts.host !== '127.0.0.1' && opts.host !== 'localhost')
        process.stderr.write(
          pc.yellow(`warning: --host ${opts.host} exposes the router (and your app) beyond this machine\n`),
        );
      const prefix = new Prefixer();
      const out = (s: string) => process.stdout.write(s + '\n');
      const onEvent = (e: AppEvent) => {
        switch (e.type) {
          case 'diagnostics': {
            const warnings = e.diagnostics.filter((d) => d.severity !== 'error');
            if (warnings.length) out(renderDiagnostics(warnings));
            break;
          }
          case 'phase':
            out(pc.dim(`▸ ${e.phase}`));
            break;
          case 'build-line':
            out(prefix.line(`${e.component} build`, pc.dim(e.line)));
            break;
          case 'log':
            out(prefix.line(e.instance, e.line));
            break;
          case 'crash':
            out(pc.red(prefix.line(e.diagnosis.instance, `✘ ${e.text.replace(/\n/g, '\n  ')}`)));
            break;
          case 'job':
            out(
              prefix.line(
                e.job,
                e.code === 0 ? pc.green(`${e.kind} job finished`) : pc.red(`${e.kind} job exited with code ${e.code}`),
              ),
            );
            break;
          case 'access': {
            const a = e.entry;
            const s =
              a.status >= 500
                ? pc.red(String(a.status))
                : a.status >= 400
                  ? pc.yellow(String(a.status))
                  : pc.green(String(a.status));
            out(
              prefix.line(
                'router',
                `${a.method} ${a.path} → ${a.component ?? '-'}${a.instance ? `/${a.instance}` : ''} ${s} ${a.bytes}B ${a.ms}ms${a.note ? ' ' + pc.yellow(a.note) : ''}`,
              ),
            );
            break;
          }
        }
      };
      const app = await startApp({
        ...(opts.spec ? { spec: opts.spec } : {}),
        platform: opts.platform,
        port,
        ...(opts.router ? { router: opts.router as 'buffering' } : {}),
        onEvent,
      });
      out('');
      out(pc.bold(`${app.name} is up on ${app.profile.title} rules: ${pc.underline(app.routerUrl)}`));
      for (const c of app.model.components) {
        const route = app.model.routes.find((r) => r.component === c.name)?.prefix;
        out(
          `  ${c.kind.padEnd(11)} ${c.name.padEnd(20)} ${String(c.instanceCount)}x ${c.size.slug} (${c.size.memory_mib} MiB)${route ? `  route ${route}` : ''}`,
        );
      }
      const cost = app.model.components
        .filter((c) => c.kind !== 'job' || c.jobKind === 'SCHEDULED')
        .reduce((sum, c) => sum + c.size.usd_per_month * c.instanceCount, 0);
      out(`  monthly cost on ${app.profile.title}: $${cost.toFixed(2)}`);
      for (const n of app.model.notEmulated) out(pc.dim(`  not emulated: ${n}`));
      out(pc.dim('Ctrl-C to stop'));

      let stopping = false;
      await new Promise<void>((resolve) => {
        const onSignal = () => {
          if (stopping) {
            out(pc.red('second Ctrl-C: killing now'));
            process.exit(130);
          }
          stopping = true;
          out(pc.dim('stopping (Ctrl-C again to kill)…'));
          void app.stop().then(resolve, resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      out('stopped; every container and network removed');
      process.exit(0);
    });
}
