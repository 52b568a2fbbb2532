/** What one language's buildpack contributes to the generated Dockerfile. */
import type { ComponentModel } from '../../spec/model.js';

export interface RuntimeVersion {
  /** The runtime named by the app (engines.node, runtime.txt, go.mod), as written. */
  asked?: string;
  /** Where `asked` comes from, or what the buildpack falls back to. */
  from: string;
  /** What the buildpack installs when nothing is asked, per DigitalOcean's docs or build logs. */
  buildpackDefault: string;
}

export interface LanguagePlan {
  /** The buildpack App Platform runs, as its build log names it. */
  buildpack: string;
  version: RuntimeVersion;
  /** Base images, the one the version asks for first; the first present in the engine is used. */
  images: string[];
  /** Dockerfile lines before the code arrives: a layer every app on the same base shares. */
  toolchain: string[];
  /** Dockerfile lines after the code is in /workspace, in the buildpack's order. */
  build: string[];
  /** Run-time environment the buildpack exports (the spec's envs still win, as on the platform). */
  env: Record<string, string>;
  /** Shell run at boot before the process, as the buildpack's .profile.d scripts are. */
  boot?: string;
  /** The default start command when the spec has no run_command and no Procfile names one. */
  start?: { command: string; from: string };
  /** A second stage the code is copied into, for buildpacks whose toolchain stays out of the run image. */
  runImage?: string;
  /** Differences from DigitalOcean's builder that the parity report lists. */
  notes: string[];
}

export interface PlanInput {
  c: ComponentModel;
  dir: string;
  /** Keys the build gets (BUILD_TIME and RUN_AND_BUILD_TIME). */
  buildKeys: Set<string>;
  /** The value a build-time variable has in the spec, for switches such as DISABLE_COLLECTSTATIC. */
  buildValue: (key: string) => string | undefined;
}

/** Installs Debian packages in one layer and leaves no apt lists behind. */
export const aptInstall = (pkgs: string) =>
  `apt-get update && apt-get install -y --no-install-recommends ${pkgs} && rm -rf /var/lib/apt/lists/*`;

/** Reads the container's memory limit in MiB into $mb (cgroup v1 file, as the buildpacks read, else v2). */
export const MEMORY_MB =
  'm=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max 2>/dev/null); case "$m" in ""|max) mb="";; *) mb=$((m / 1048576));; esac;';
