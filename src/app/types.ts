import type { Profile } from '../profile/profile.js';
import type { AccessLogEntry } from '../router/server.js';
import type { Diagnosis } from '../runtime/diagnose.js';
import type { AppModel, Diagnostic } from '../spec/index.js';

export interface StartOptions {
  /** Path to the spec file, or to a folder holding `.do/app.yaml`. Default: the current directory. */
  spec?: string;
  /** Platform profile name or file. Default: digitalocean. */
  platform?: string;
  /** Router mode. Default: the profile's (digitalocean: buffering). */
  router?: 'buffering' | 'streaming';
  /** Changes to the profile for this run, e.g. a shorter edge timeout in a test. The parity report names them. */
  overrides?: {
    router?: Partial<Profile['router']>;
    health?: Partial<Profile['health']>;
    /** The liveness check's timing, e.g. a short window in a test of a hung instance. */
    liveness?: Partial<NonNullable<Profile['liveness']>>;
    termination?: Partial<Profile['termination']>;
    filesystem?: Partial<Pick<Profile['filesystem'], 'ephemeral_limit_mib'>>;
  };
  /**
   * Filesystem mode. Default: the profile's (digitalocean: ephemeral, production's writable disk, wiped on restart
   * and capped). read-only is a strict mode: only /dev/shm is writable.
   */
  filesystem?: 'read-only' | 'ephemeral';
  /** Router port. Default 0: any free port, so parallel test files never collide. */
  port?: number;
  /** Router address. Default 127.0.0.1; anything else exposes the app beyond this machine. */
  host?: string;
  /**
   * The same edge over HTTPS on this port, with a certificate from this user's local CA (made on first use).
   * Default: 8443 beside port 8080, else any free port; `false` serves HTTP only. Only for profiles whose edge
   * takes HTTPS (digitalocean).
   */
  httpsPort?: number | false;
  /** Refuse to start when another live session runs the same spec (the CLI's `up`). Default false. */
  exclusive?: boolean;
  /** Values for SECRETs and EV[...] envs; they win over `.env` and the process environment. */
  env?: Record<string, string>;
  /**
   * Rebuild and roll out a component when a file of its source changes, and apply spec edits (reloaded with these
   * same options) to the components they change; stop() ends the watching. The CLI's `up --watch`. Default false.
   */
  watch?: boolean;
  /** Progress, logs and diagnoses, for the CLI to render. The library itself prints nothing. */
  onEvent?: (e: AppEvent) => void;
}

export type AppEvent =
  | { type: 'diagnostics'; diagnostics: Diagnostic[] }
  | { type: 'build-line'; component: string; line: string }
  | { type: 'phase'; phase: 'build' | 'pre-deploy' | 'start' | 'router' | 'post-deploy' | 'stop' }
  | { type: 'log'; instance: string; line: string; stream: 'stdout' | 'stderr' }
  | { type: 'crash'; diagnosis: Diagnosis; text: string }
  | { type: 'job'; kind: string; job: string; code: number }
  | { type: 'watch'; ok: boolean; message: string }
  | { type: 'notice'; component: string; message: string }
  /** An error rehearse tolerated and worked around; the CLI shows it under --verbose. */
  | { type: 'trace'; message: string }
  | { type: 'access'; entry: AccessLogEntry };

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunningApp extends AsyncDisposable {
  readonly name: string;
  readonly appId: string;
  /** The spec's project id: `down` removes every app of it. */
  readonly project: string;
  /** The spec file. */
  readonly specFile: string;
  readonly model: AppModel;
  readonly profile: Profile;
  /** The profile before overrides: production's values. */
  readonly production: Profile;
  readonly routerMode: 'buffering' | 'streaming';
  /** The router's base URL, e.g. http://127.0.0.1:8080 (no trailing slash). */
  readonly routerUrl: string;
  /** The router's HTTPS origin, e.g. https://127.0.0.1:8443, when it serves one. */
  readonly httpsUrl: string | undefined;
  /** The URL of a component's route through the router, or of the router's root; ends with `/`. */
  url(component?: string): string;
  /** The last log lines of a component's instances (secrets masked). */
  logs(component: string): string[];
  /** Runs a command in a component's instance (1-based), like the console production gives. */
  exec(component: string, cmd: string[], instance?: number): Promise<ExecResult>;
  /** Restarts a component's instances one by one. */
  restart(component: string): Promise<void>;
  /** Crash diagnoses seen so far. */
  diagnoses(): Diagnosis[];
  /** Each running instance as its supervisor sees it now: state, the URL the edge dials, its container. */
  instances(): InstanceStatus[];
  /** True when no change (rollout, restart, repair) is queued, under way or pending: the app is as it should be. */
  settled(): boolean;
  /**
   * Stops every instance (SIGTERM, then SIGKILL after the component's grace period: production's, 120 s on App
   * Platform, unless `graceSeconds` says otherwise) and removes every object. Disposal (`await using`) stops with
   * a 1 s grace, so a test of an app that ignores SIGTERM does not wait production's grace.
   */
  stop(options?: { graceSeconds?: number }): Promise<void>;
  /** Removes every container and network at once (SIGKILL, no grace): what a second Ctrl-C does. */
  kill(): Promise<void>;
}

export interface InstanceStatus {
  name: string;
  component: string;
  state: 'starting' | 'live' | 'crashed' | 'unhealthy' | 'stopped';
  /** Why it is unhealthy (paused, failing its liveness check). */
  problem?: string;
  /** http://127.0.0.1:<published port>, for a service. */
  url?: string;
  containerId: string;
  restarts: number;
  history: Diagnosis[];
}
