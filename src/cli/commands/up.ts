import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { projectIdFor } from '../../app/app-id.js';
import { startControl } from '../../app/control.js';
import { parityReport } from '../../app/parity.js';
import { specFileOf } from '../../app/load-model.js';
import { costLines } from '../../app/reports.js';
import { openSessionLog, readSession, removeSession, writeSession } from '../../app/session.js';
import { startApp } from '../../app/start-app.js';
import type { AppEvent, RunningApp } from '../../app/types.js';
import { RehearseError } from '../../shared/errors.js';
import { renderDiagnostics } from '../render/diagnostics.js';
import { Prefixer } from '../render/log-prefix.js';
import { sessionFailure } from '../render/session-failure.js';

interface UpOptions {
  spec?: string;
  platform: string;
  port: string;
  host?: string;
  router?: string;
  filesystem?: string;
  detach?: boolean;
  watch?: boolean;
}

const out = (s: string) => process.stdout.write(s + '\n');

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
    .option(
      '--filesystem <mode>',
      "ephemeral (production's disk: writable, wiped on restart; the default) or read-only (strict: only /dev/shm)",
    )
    .option('-w, --watch', 'rebuild a component when its source changes and roll it out with no failed request')
    .option('-d, --detach', 'keep running in the background; use ps, logs, exec, restart and down from any terminal')
    .addHelpText(
      'after',
      `
Ctrl-C stops every instance (SIGTERM, then SIGKILL after the grace period) and removes every container and
network; a second Ctrl-C kills at once.

Examples:
  $ rehearse up
  $ rehearse up --watch                  # edit, save, see it live: a rolling deploy per change
  $ rehearse up --detach && rehearse ps  # in the background
  $ rehearse up --router streaming       # Heroku-style router: slow clients reach your workers`,
    )
    .action(async (opts: UpOptions) => {
      if (opts.router && opts.router !== 'buffering' && opts.router !== 'streaming')
        throw new RehearseError('USAGE', `--router must be buffering or streaming, not "${opts.router}"`);
      if (opts.filesystem && opts.filesystem !== 'read-only' && opts.filesystem !== 'ephemeral')
        throw new RehearseError('USAGE', `--filesystem must be read-only or ephemeral, not "${opts.filesystem}"`);
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new RehearseError('USAGE', `--port must be a port number, not "${opts.port}"`);
      if (opts.detach) return detach(opts);
      if (opts.host && opts.host !== '127.0.0.1' && opts.host !== 'localhost')
        process.stderr.write(
          pc.yellow(
            `warning: --host ${opts.host} exposes the router (and your app) beyond this machine, and widens the Host names the edge answers (DNS rebinding protection: ${/^(0\.0\.0\.0|::|\[::\])$/.test(opts.host) ? 'off' : `also ${opts.host}`})\n`,
          ),
        );
      const onEvent = renderEvents(program.opts().verbose === true);
      // Signals first, and one handler for the whole run: a Ctrl-C that lands while the app starts must still stop
      // it, and swapping listeners would open a moment where the default action kills the process.
      const signals = installSignals();
      const app = await startApp({
        exclusive: true,
        ...(opts.spec ? { spec: opts.spec } : {}),
        platform: opts.platform,
        port,
        ...(opts.host ? { host: opts.host } : {}),
        ...(opts.router ? { router: opts.router as 'buffering' } : {}),
        ...(opts.filesystem ? { filesystem: opts.filesystem as 'ephemeral' } : {}),
        ...(opts.watch ? { watch: true } : {}),
        onEvent,
      });
      if (signals.requested) {
        out(pc.dim('Ctrl-C during start: stopping'));
        await app.stop();
        process.exit(130);
      }
      summary(app);
      await serveUntilStopped(app, opts, signals);
    });
}

interface Signals {
  requested: boolean;
  /** What a Ctrl-C does once the app runs. */
  onStop?: () => void;
}

function installSignals(): Signals {
  const state: Signals = { requested: false };
  const onSignal = () => {
    if (state.onStop) return state.onStop();
    if (state.requested) process.exit(130); // second Ctrl-C while starting: the next up reaps what is left
    state.requested = true;
    out(pc.dim('stopping once the start finishes (Ctrl-C again to kill)…'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return state;
}

function renderEvents(verbose: boolean) {
  const prefix = new Prefixer();
  return (e: AppEvent) => {
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
      case 'notice':
        out(prefix.line(e.component, pc.yellow(`note: ${e.message}`)));
        break;
      case 'trace':
        if (verbose) out(prefix.line('rehearse', pc.dim(e.message)));
        break;
      case 'watch':
        out(prefix.line('watch', e.ok ? pc.green(e.message) : pc.red(e.message)));
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
}

function summary(app: RunningApp) {
  out('');
  out(pc.bold(`${app.name} is up on ${app.profile.title} rules: ${pc.underline(app.routerUrl)}`));
  if (app.httpsUrl) out(`  also over HTTPS: ${pc.underline(app.httpsUrl)}`);
  const cost = costLines(app.model, app.profile);
  for (const c of app.model.components) {
    const route = app.model.routes.find((r) => r.component === c.name)?.prefix;
    const health = c.health
      ? c.health.kind === 'http'
        ? `health GET ${c.health.path}`
        : `health TCP :${c.health.port}`
      : '';
    const usd = cost.find((l) => l.component === c.name)!.usdPerMonth;
    out(
      `  ${c.kind.padEnd(11)} ${c.name.padEnd(18)} ${c.kind === 'static_site' ? 'served by the edge'.padEnd(30) : `${c.instanceCount}x ${c.size.slug} (${c.size.memory_mib} MiB)`.padEnd(30)} ${(route ? `route ${route}` : '').padEnd(14)} ${health.padEnd(22)} $${usd.toFixed(2)}/mo`,
    );
  }
  for (const d of cost.filter((l) => l.kind === 'database'))
    out(`  ${'database'.padEnd(11)} ${d.component.padEnd(18)} ${d.slug.padEnd(68)} $${d.usdPerMonth.toFixed(2)}/mo`);
  out(`  monthly cost on ${app.profile.title}: $${cost.reduce((s, l) => s + l.usdPerMonth, 0).toFixed(2)}`);
  const parity = parityReport(app);
  out(pc.bold('  parity: emulated with production values'));
  for (const l of parity.emulated) out(`    ✔ ${l}`);
  out(pc.bold('  parity: not emulated or switched off'));
  for (const l of parity.notEmulated) out(pc.yellow(`    ✘ ${l}`));
}

async function serveUntilStopped(app: RunningApp, opts: UpOptions, signals: Signals) {
  let stopping = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  let killing = false;
  const stop = () => {
    if (killing) process.exit(130);
    if (stopping) {
      killing = true;
      out(pc.red('second Ctrl-C: killing every instance now'));
      removeSession(app.project);
      void app.kill().finally(() => process.exit(130));
      return;
    }
    stopping = true;
    // Production's grace: an instance that ignores SIGTERM holds the stop that long. Say so, and how to skip it.
    const grace = Math.max(
      0,
      ...app.model.components.filter((c) => c.kind !== 'static_site').map((c) => c.graceSeconds),
    );
    out(
      pc.dim(
        `stopping: SIGTERM to every instance, SIGKILL after its grace period (up to ${grace} s); Ctrl-C again to kill now…`,
      ),
    );
    const slow = setTimeout(
      () =>
        out(
          pc.yellow(
            `still stopping: an instance has not exited on SIGTERM, so it gets its grace period (${grace} s, as in production) before SIGKILL; Ctrl-C again to kill now`,
          ),
        ),
      3000,
    );
    void app
      .stop()
      .finally(() => clearTimeout(slow))
      .then(resolveDone, resolveDone);
  };
  signals.onStop = stop;
  const control = await startControl(app, stop);
  writeSession({
    pid: process.pid,
    appId: app.appId,
    project: app.project,
    spec: app.specFile,
    url: app.routerUrl,
    status: 'up',
    control: { port: control.port, token: control.token },
    started: new Date().toISOString(),
  });
  out(pc.dim(opts.watch ? 'watching for changes; Ctrl-C to stop' : 'Ctrl-C to stop'));
  await done;
  // A second Ctrl-C's kill also ends the graceful stop: its own path exits (130), not this one.
  if (killing) return;
  control.close();
  removeSession(app.project);
  out('stopped; every container and network removed');
  process.exit(0);
}

/** Runs `up` in a detached child, waits until it is up (or failed), and prints its summary. */
async function detach(opts: UpOptions) {
  const file = specFileOf(opts.spec);
  const project = projectIdFor(file);
  const running = readSession(project);
  if (running)
    throw new RehearseError('USAGE', `this app is already running (pid ${running.pid}) at ${running.url}`, {
      hint: 'use "rehearse ps" and "rehearse logs", or stop it with "rehearse down"',
    });
  const { fd, file: log } = openSessionLog(project);
  const args = [
    path.resolve(process.argv[1]!),
    ...(process.argv.includes('--verbose') ? ['--verbose'] : []),
    'up',
    '--spec',
    file,
    '--platform',
    opts.platform,
    '--port',
    opts.port,
  ];
  for (const k of ['host', 'router', 'filesystem'] as const) if (opts[k]) args.push(`--${k}`, opts[k]);
  if (opts.watch) args.push('--watch');
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, NO_COLOR: '1' },
  });
  child.unref();
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  for (;;) {
    const s = readSession(project);
    if (s && s.pid === child.pid && s.status === 'up') break;
    if (exited !== null) {
      const text = readFileSync(log, 'utf8');
      process.stderr.write(text.split('\n').slice(-40).join('\n') + '\n');
      throw sessionFailure(text, exited, log);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const text = readFileSync(log, 'utf8').split('\n');
  const from = text.findIndex((l) => l.includes(' is up on '));
  out(
    text
      .slice(
        from,
        text.findIndex((l, i) => i > from && l.includes('to stop')),
      )
      .join('\n'),
  );
  out(
    `running in the background (pid ${child.pid}); "rehearse logs -f" to follow, "rehearse down" to stop. Log: ${log}`,
  );
}
