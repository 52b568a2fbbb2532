/**
 * The programmatic API: spec in, a running app behind the edge out. The CLI's `up` is one call to this.
 * A RunningApp is AsyncDisposable, so `await using app = await startApp(...)` cleans up in tests.
 */
import { randomUUID } from 'node:crypto';
import { loadProfile } from '../profile/profile.js';
import type { Router, RouterOptions } from '../router/server.js';
import { renderDiagnosis } from '../runtime/diagnose.js';
import { LostSessions } from '../runtime/diagnoses/lost-sessions.js';
import { connectEngine } from '../runtime/engine.js';
import { AppRuntime } from '../runtime/runtime.js';
import { explainListeners, listeners } from '../runtime/listening.js';
import { buildStaticSite } from '../runtime/static-build.js';
import type { StaticSiteOptions } from '../router/static.js';
import { RehearseError } from '../shared/errors.js';
import type { ComponentModel } from '../spec/index.js';
import { finalStage, readDockerfile } from '../spec/lints/dockerfile.js';
import { appIdFor, projectIdFor } from './app-id.js';
import { liveApps } from '../runtime/cleanup.js';
import { databaseCredentials } from '../runtime/databases/credentials.js';
import { runnableEngines } from '../runtime/databases/images.js';
import type { RunningApp, StartOptions } from './types.js';
import { registerForExit } from './exit-hook.js';
import { runningApp } from './running-app.js';
import { edgeRequest, serveHttps } from './edge-shape.js';
import { loadModel, modelOf, specFileOf, type ModelInputs } from './load-model.js';
import { reservePort } from './reserve-port.js';

export type { AppEvent, RunningApp, StartOptions } from './types.js';

/** gunicorn with its default sync worker class, from run_command or the Dockerfile's CMD. */
function syncGunicorn(c: ComponentModel): boolean {
  const cmd =
    c.runCommand ??
    (c.build.kind === 'dockerfile'
      ? finalStage(readDockerfile(c.build.dockerfile))
          .filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')
          .map((i) => i.args)
          .join(' ')
      : '');
  return /gunicorn/.test(cmd) && !/(-k|--worker-class)\W+\w*(gthread|gevent|eventlet|uvicorn|tornado)/.test(cmd);
}

/**
 * The Host headers the edge answers (src/router/hosts.ts): loopback (added by the router with its port), the
 * spec's domains, and the --host address. Bound to every interface, the names it is reached by are unknown, so
 * every Host is answered: the CLI already warns that --host exposes the app.
 */
function hostPolicy(domains: readonly string[], host: string | undefined) {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  const extra = host && !wildcard ? [host.includes(':') && !host.startsWith('[') ? `[${host}]` : host] : [];
  return { names: [...domains, ...extra], any: wildcard };
}

export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const emit = options.onEvent ?? (() => undefined);
  // The engine's ping is a round trip: it runs while the profile and the spec are read. A spec error is still
  // the one reported when both fail (the spec is checked first below).
  const engine = connectEngine();
  engine.catch(() => undefined);
  const file = specFileOf(options.spec);
  const base = loadProfile(options.platform);
  const o = options.overrides ?? {};
  const profile = {
    ...base,
    filesystem: {
      ...base.filesystem,
      ...o.filesystem,
      ...(options.filesystem ? { mode: options.filesystem } : {}),
    },
    router: { ...base.router, ...o.router },
    health: { ...base.health, ...o.health },
    ...(base.liveness ? { liveness: { ...base.liveness, ...o.liveness } } : {}),
    termination: { ...base.termination, ...o.termination },
  };
  // ${APP_URL} needs the port before the router listens: hold it now. A taken port is reported after the spec's
  // errors and after "already running", which say more.
  const reserved = await reservePort(options.host ?? '127.0.0.1', options.port ?? 0).then(
    (r) => ({ ok: true as const, ...r }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  const inputs: ModelInputs = {
    file,
    profile,
    ...(options.env ? { env: options.env } : {}),
    strictSecrets: true,
    checkFiles: true,
    ...(reserved.ok ? { appUrl: reserved.url } : {}),
  };
  const loaded = loadModel(inputs);
  emit({ type: 'diagnostics', diagnostics: loaded.diagnostics });
  const release = () => void (reserved.ok && reserved.release());
  const project = projectIdFor(file);
  const { model, docker, port } = await (async () => {
    const model = modelOf(loaded);
    const docker = await engine;
    if (options.exclusive) {
      const [other] = await liveApps(docker, project);
      if (other)
        throw new RehearseError('USAGE', `this app is already running (pid ${other.pid}, ${other.appId})`, {
          hint: 'use that session ("rehearse ps", "rehearse logs"), or stop it with "rehearse down"',
        });
    }
    if (!reserved.ok) throw reserved.err;
    // Databases that run get their real password and the project CA in every bindable: the spec is read again,
    // and a reload (watch) reads it with them too.
    const runnable = runnableEngines(model, profile);
    if (!runnable.length) return { model, docker, port: reserved.port };
    inputs.databases = await databaseCredentials(docker, project, runnable);
    return { model: modelOf(loadModel(inputs)), docker, port: reserved.port };
  })().catch((err: unknown) => {
    release();
    throw err;
  });
  const appId = appIdFor(model.name, file);
  const mode = options.router ?? profile.router.mode;
  const staticSites: Record<string, StaticSiteOptions> = {};
  // The edge is needed once the images exist. Its modules (undici, node:http2, node:zlib: ~10 ms to evaluate in a
  // fresh process, such as the CLI's) load while the engine builds, instead of before the first build request.
  let edge: Promise<typeof import('../router/server.js')> | undefined;
  const loadEdge = () => (edge ??= import('../router/server.js'));
  let router: Router | undefined;
  // Catalog class 6: one path accepted by some instances and refused by the others, every time.
  const sessions = new LostSessions(
    (name) => model.components.find((c) => c.name === name)?.instanceCount ?? 1,
    (component, message) => emit({ type: 'notice', component, message }),
  );
  const routerOptions: RouterOptions = {
    routes: model.routes,
    port,
    ...(options.host ? { host: options.host } : {}),
    hosts: hostPolicy([...(model.domains ?? []), ...(model.domain ? [model.domain] : [])], options.host),
    limits: {
      mode,
      firstByteTimeoutSeconds: profile.router.first_byte_timeout_seconds,
      idleTimeoutSeconds: profile.router.idle_timeout_seconds,
      timeoutStatus: profile.router.request_timeout_status,
      timeoutCode: profile.router.request_timeout_code,
      maxBodyBytes: profile.router.max_request_body_mib * 1048576,
      maxHeaderBytes: profile.router.max_header_bytes,
      compress: profile.router.compress,
      platform: profile.title,
    },
    staticSites,
    ...edgeRequest(profile, model),
    onAccess: (entry) => {
      emit({ type: 'access', entry });
      sessions.see(entry);
      if (entry.instance)
        runtime
          .allInstances()
          .find((i) => i.name === entry.instance)
          ?.sawRequest();
    },
    // A refused or dropped connection: say what the instance really listens on.
    explain: async (component, instance) => {
      const inst = runtime.allInstances().find((i) => i.name === instance);
      if (!inst) return undefined;
      if (inst.state === 'crashed' && inst.lastDiagnosis) return inst.lastDiagnosis.summary;
      if (inst.state === 'unhealthy' && inst.problem) return inst.problem;
      // Being restarted: what its sockets say now is about the new run, not the one that failed this request.
      if (inst.state === 'starting' && inst.lastDiagnosis)
        return `${instance} is being restarted after: ${inst.lastDiagnosis.summary}`;
      const ls = await listeners(docker, inst.containerId, (message) => emit({ type: 'trace', message }));
      const port = model.components.find((c) => c.name === component)?.httpPort;
      return ls && port ? explainListeners(instance, port, ls) : undefined;
    },
  };
  const runtime: AppRuntime = new AppRuntime(docker, model, profile, appId, project, randomUUID(), {
    buildLine: (component, line) => {
      loadEdge().catch(() => undefined); // awaited below, after the build
      emit({ type: 'build-line', component, line });
    },
    log: (instance, line, stream) => emit({ type: 'log', instance, line, stream }),
    crash: (diagnosis) => emit({ type: 'crash', diagnosis, text: renderDiagnosis(diagnosis) }),
    job: (run) => emit({ type: 'job', kind: run.kind, job: run.job, code: run.code }),
    notice: (component, message) => emit({ type: 'notice', component, message }),
    trace: (message) => emit({ type: 'trace', message }),
    // The router only sends traffic to live instances; while none is, its 503 page says why.
    state: (inst) => {
      const c = inst.component;
      if (c.kind !== 'service') return;
      const all = runtime.instancesOf(c.name);
      const live = all.filter((i) => i.state === 'live' && i.url);
      const crashed = all.find((i) => i.state === 'crashed' && i.lastDiagnosis);
      const sick = all.find((i) => i.state === 'unhealthy' && i.problem);
      const why = crashed
        ? `crashed: ${crashed.lastDiagnosis!.summary}`
        : sick
          ? `unhealthy: ${sick.problem!}`
          : all.some((i) => i.state === 'starting')
            ? 'starting'
            : 'stopped';
      router?.setUpstreams(
        c.name,
        live.map((i) => ({ name: i.name, url: i.url! })),
        why,
      );
    },
  });

  const unregister = registerForExit(appId);
  try {
    emit({ type: 'phase', phase: 'build' });
    // The network and the orphan sweep do not depend on the images: they run while the builds do. Both are
    // awaited whatever happens, so a failed build never leaves a network created behind its back.
    // Databases start as soon as the network exists, beside the builds (which never join that network).
    const databasesReady = (name: string, ms: number) =>
      emit({ type: 'notice', component: name, message: `database ${name} ready (TLS login) in ${ms} ms` });
    const [prepared, built] = await Promise.allSettled([
      runtime.prepare().then(() => runtime.databases.start(databasesReady)),
      runtime.build(),
    ]);
    if (built.status === 'rejected') throw built.reason;
    if (prepared.status === 'rejected') throw prepared.reason;
    router = new (await loadEdge()).Router(routerOptions);
    for (const c of model.components.filter((x) => x.kind === 'static_site')) {
      const root = await buildStaticSite(
        docker,
        c,
        appId,
        (line) => emit({ type: 'build-line', component: c.name, line }),
        { name: model.name, id: project },
      );
      staticSites[c.name] = {
        root,
        indexDocument: c.staticSite!.indexDocument,
        errorDocument: c.staticSite!.errorDocument,
        ...(c.staticSite!.catchallDocument ? { catchallDocument: c.staticSite!.catchallDocument } : {}),
      };
    }
    emit({ type: 'phase', phase: 'pre-deploy' });
    await runtime.runJobs('PRE_DEPLOY');
    emit({ type: 'phase', phase: 'start' });
    await runtime.startServices();
    for (const c of model.components.filter(
      (x) => x.kind === 'service' && x.instanceCount > 1 && !profile.network.instances_reach_each_other,
    ))
      emit({
        type: 'notice',
        component: c.name,
        message: `${c.name}'s ${c.instanceCount} instances cannot reach each other, as on ${profile.title}: replicas must not cluster (Erlang distribution, gossip); coordinate through another component or a database`,
      });
    if (mode === 'streaming')
      for (const c of model.components.filter((x) => x.kind === 'service' && syncGunicorn(x)))
        emit({
          type: 'notice',
          component: c.name,
          message: `${c.name} runs gunicorn sync workers behind a streaming router: each slow upload holds a worker until its body has arrived, and other requests queue behind it; put a buffering proxy in front or use async workers (-k gthread, uvicorn)`,
        });
    emit({ type: 'phase', phase: 'router' });
    release();
    const url = await router.listen();
    const httpsUrl = await serveHttps(router, options, profile, options.port ?? 0, emit);
    emit({ type: 'phase', phase: 'post-deploy' });
    await runtime.runJobs('POST_DEPLOY');
    await runtime.startScheduler();
    // chokidar loads only when watching.
    const watcher = options.watch ? await (await import('./watch.js')).watchApp({ inputs, runtime }, emit) : undefined;
    return runningApp({
      model,
      profile,
      production: base,
      appId,
      project,
      file,
      url,
      httpsUrl,
      mode,
      runtime,
      router,
      docker,
      emit,
      unregister,
      ...(watcher ? { watcher } : {}),
    });
  } catch (err) {
    // Nothing half-started: FAILED_DEPLOY jobs run (when the build got that far), then everything goes.
    release();
    await router?.close().catch(() => undefined);
    if (!(err instanceof RehearseError && (err.code === 'BUILD_FAILED' || err.code === 'BUILD_UNSUPPORTED')))
      await runtime.runJobs('FAILED_DEPLOY').catch(() => undefined);
    await runtime.remove().catch(() => undefined);
    unregister();
    throw err;
  }
}
