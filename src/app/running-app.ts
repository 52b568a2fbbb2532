/** The handle startApp() returns: one object per running app, idempotent stop, then ERR_DISPOSED. */
import type { Profile } from '../profile/profile.js';
import type { Router } from '../router/server.js';
import { execText, type Engine } from '../runtime/engine.js';
import type { AppRuntime } from '../runtime/runtime.js';
import { RehearseError } from '../shared/errors.js';
import type { AppModel } from '../spec/index.js';
import type { AppEvent, RunningApp } from './types.js';

interface Parts {
  model: AppModel;
  profile: Profile;
  production: Profile;
  appId: string;
  project: string;
  file: string;
  url: string;
  httpsUrl: string | undefined;
  mode: 'buffering' | 'streaming';
  runtime: AppRuntime;
  router: Router;
  docker: Engine;
  emit: (e: AppEvent) => void;
  unregister: () => void;
  /** startApp's watch, ended first on stop. */
  watcher?: { close(): Promise<void> };
}

/** SIGTERM, then SIGKILL after this long, when a RunningApp is disposed (`await using`). */
export const DISPOSE_GRACE_SECONDS = 1;

export function runningApp(p: Parts): RunningApp {
  let stopped: Promise<void> | undefined;
  const check = () => {
    if (stopped)
      throw new RehearseError('DISPOSED', `app "${p.model.name}" was stopped`, {
        hint: 'start it again with startApp()',
      });
  };
  const instance = (component: string, n = 1) => {
    const inst = p.runtime.instancesOf(component).find((i) => i.index === n);
    if (!inst) {
      const names = p.model.components.filter((c) => c.kind === 'service' || c.kind === 'worker').map((c) => c.name);
      throw new RehearseError('USAGE', `no running instance ${component}-${n}`, {
        hint: `running components: ${names.join(', ')}`,
      });
    }
    return inst;
  };
  const stop = (options: { graceSeconds?: number } = {}) => {
    stopped ??= (async () => {
      p.emit({ type: 'phase', phase: 'stop' });
      await p.watcher?.close();
      // As the platform does: no new traffic, then SIGTERM while requests in flight finish, then close.
      p.router.drain();
      await p.runtime.stop(options.graceSeconds);
      await p.router.close().catch(() => undefined);
      p.unregister();
    })();
    return stopped;
  };
  return {
    name: p.model.name,
    appId: p.appId,
    model: p.model,
    profile: p.profile,
    production: p.production,
    routerMode: p.mode,
    project: p.project,
    specFile: p.file,
    routerUrl: p.url,
    httpsUrl: p.httpsUrl,
    url(component) {
      const r = component ? p.model.routes.find((x) => x.component === component) : undefined;
      if (component && !r)
        throw new RehearseError('USAGE', `component "${component}" has no route`, {
          hint: `routed components: ${p.model.routes
            .map((x) => x.component)
            .filter(Boolean)
            .join(', ')}`,
        });
      return r ? p.url + (r.prefix.endsWith('/') ? r.prefix : r.prefix + '/') : p.url + '/';
    },
    logs(component) {
      return p.runtime.instancesOf(component).flatMap((i) => i.tail.last(200));
    },
    async exec(component, cmd, n = 1) {
      check();
      const r = await execText(p.docker, instance(component, n).containerId, cmd, 60_000);
      return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr };
    },
    async restart(component) {
      check();
      const c = p.model.components.find((x) => x.name === component);
      if (c?.kind !== 'service' && c?.kind !== 'worker') {
        const names = p.model.components.filter((x) => x.kind === 'service' || x.kind === 'worker').map((x) => x.name);
        throw new RehearseError(
          'USAGE',
          c
            ? `${component} is a ${c.kind.replace('_', ' ')}: only services and workers run instances to restart`
            : `no component named "${component}"`,
          { hint: `components with instances: ${names.join(', ')}` },
        );
      }
      for (const inst of p.runtime.instancesOf(component)) await inst.restart();
    },
    diagnoses() {
      return p.runtime.allInstances().flatMap((i) => i.history);
    },
    instances() {
      return p.runtime.allInstances().map((i) => ({
        name: i.name,
        component: i.component.name,
        state: i.state,
        ...(i.problem ? { problem: i.problem } : {}),
        ...(i.url ? { url: i.url } : {}),
        containerId: i.containerId,
        restarts: i.restarts,
        history: i.history,
      }));
    },
    settled() {
      return p.runtime.quiet();
    },
    stop,
    async kill() {
      await p.runtime.remove();
    },
    // A test harness tears down fast: production's grace (120 s on App Platform) is for rollouts, restarts and
    // up's Ctrl-C, not for the end of a test.
    [Symbol.asyncDispose]: () => stop({ graceSeconds: DISPOSE_GRACE_SECONDS }),
  };
}
