/** What the app layer's own modules (watch) may reach behind a RunningApp; not part of the public API. */
import type { Profile } from '../profile/profile.js';
import type { Router } from '../router/server.js';
import type { AppRuntime } from '../runtime/runtime.js';
import type { AppEvent, RunningApp } from './types.js';

export interface Internals {
  runtime: AppRuntime;
  router: Router;
  profile: Profile;
  emit: (e: AppEvent) => void;
}

export const internals = new WeakMap<RunningApp, Internals>();
