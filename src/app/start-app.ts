/**
 * The programmatic API: spec in, a running app behind the edge out. The CLI's `up` is one call to this.
 * A RunningApp is AsyncDisposable, so `await using app = await startApp(...)` cleans up in tests.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadProfile, type Profile } from '../profile/profile.js';
import { Router, type AccessLogEntry } from '../router/server.js';
import { connectEngine } from '../runtime/engine.js';
import { AppRuntime } from '../runtime/runtime.js';
import { RehearseError } from '../shared/errors.js';
import { findSpec, loadSpec, type AppModel, type Diagnostic } from '../spec/index.js';
import { appIdFor } from './app-id.js';

export interface StartOptions {
  /** Path to the spec file, or to a folder holding `.do/app.yaml`. Default: the current directory. */
  spec?: string;
  /** Platform profile name or file. Default: digitalocean. */
  platform?: string;
  /** Router mode override. Default: the profile's. */
  router?: 'buffering' | 'streaming';
  /** Router port on 127.0.0.1. Default 0 (any free port) for the API; the CLI passes 8080. */
  port?: number;
  /** Values for SECRETs and EV[...] envs. */
  env?: Record<string, string>;
  /** Progress and logs, for the CLI to render. The library itself prints nothing. */
  onEvent?: (e: AppEvent) => void;
}

export type AppEvent =
  | { type: 'diagnostics'; diagnostics: Diagnostic[] }
  | { type: 'build-line'; component: string; line: string }
  | { type: 'phase'; phase: 'build' | 'pre-deploy' | 'start' | 'router' | 'post-deploy' | 'stop' }
  | { type: 'log'; instance: string; line: string; stream: 'stdout' | 'stderr' }
  | { type: 'access'; entry: AccessLogEntry };

export interface RunningApp extends AsyncDisposable {
  readonly name: string;
  readonly appId: string;
  readonly model: AppModel;
  readonly profile: Profile;
  /** The router's URL, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** The URL of a component's route through the router (its prefix), or the router's root. */
  urlOf(component?: string): string;
  stop(): Promise<void>;
}

function resolveSpec(spec: string | undefined): string {
  if (!spec) return findSpec(process.cwd());
  const abs = path.resolve(spec);
  return abs.endsWith('.yaml') || abs.endsWith('.yml') ? findSpec(process.cwd(), abs) : findSpec(abs);
}

export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const emit = options.onEvent ?? (() => undefined);
  const file = resolveSpec(options.spec);
  const profile = loadProfile(options.platform);
  const port = options.port ?? 0;
  const loaded = loadSpec(file, {
    profile,
    ...(options.env ? { env: options.env } : {}),
    strictSecrets: true,
    checkFiles: true,
    appUrl: `http://127.0.0.1:${port || 8080}`,
  });
  emit({ type: 'diagnostics', diagnostics: loaded.diagnostics });
  if (!loaded.ok || !loaded.model) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error')!;
    throw new RehearseError('SPEC_INVALID', `${path.basename(file)}: ${first.message}`, {
      location: { file: first.file, line: first.line, column: first.column },
      ...(first.hint ? { hint: first.hint } : {}),
      details: loaded.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.line}:${d.column} ${d.message}`)
        .join('\n'),
    });
  }
  const model = loaded.model;
  const docker = await connectEngine();
  const appId = appIdFor(model.name, file);
  const runtime = new AppRuntime(docker, model, profile, appId, randomUUID(), {
    buildLine: (component, line) => emit({ type: 'build-line', component, line }),
    log: (instance, line, stream) => emit({ type: 'log', instance, line, stream }),
  });
  const limits = profile.router;
  const router = new Router({
    routes: model.routes,
    port,
    limits: {
      mode: options.router ?? limits.mode,
      firstByteTimeoutSeconds: limits.first_byte_timeout_seconds,
      idleTimeoutSeconds: limits.idle_timeout_seconds,
      timeoutStatus: limits.request_timeout_status,
      timeoutCode: limits.request_timeout_code,
      maxBodyBytes: limits.max_request_body_mib * 1048576,
      maxHeaderBytes: limits.max_header_bytes,
    },
    onAccess: (entry) => emit({ type: 'access', entry }),
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    emit({ type: 'phase', phase: 'stop' });
    await router.close().catch(() => undefined);
    await runtime.stop();
  };
  try {
    await runtime.prepare();
    emit({ type: 'phase', phase: 'build' });
    await runtime.build();
    emit({ type: 'phase', phase: 'pre-deploy' });
    await runtime.runJobs('PRE_DEPLOY');
    emit({ type: 'phase', phase: 'start' });
    await runtime.startServices();
    for (const c of model.components.filter((x) => x.kind === 'service'))
      router.setUpstreams(
        c.name,
        runtime.instancesOf(c.name).flatMap((i) => (i.url ? [{ name: `${c.name}-${i.index}`, url: i.url }] : [])),
        'live',
      );
    emit({ type: 'phase', phase: 'router' });
    const url = await router.listen();
    emit({ type: 'phase', phase: 'post-deploy' });
    await runtime.runJobs('POST_DEPLOY');
    return {
      name: model.name,
      appId,
      model,
      profile,
      url,
      urlOf: (component) => {
        const r = component ? model.routes.find((x) => x.component === component) : undefined;
        return r ? url + (r.prefix === '/' ? '/' : r.prefix) : url + '/';
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    // Nothing half-started: whatever failed, everything this call created goes.
    await router.close().catch(() => undefined);
    await runtime.remove().catch(() => undefined);
    throw err;
  }
}
