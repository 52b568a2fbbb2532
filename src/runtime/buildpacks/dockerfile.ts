/**
 * A component without a Dockerfile, built as App Platform's buildpacks build it, written as a Dockerfile the
 * engine builds like any other and a user can adopt (seed 001's advice): detection, the language buildpack's
 * steps, then `build_command` at the end (DO's `digitalocean/custom` buildpack, research B.2), the BUILD_TIME
 * variables as build args, the code in /workspace (production's build log: "cloned repo to /workspace"), the
 * buildpack's run-time environment, and the start command from run_command, else the Procfile, else the
 * buildpack's default. Base images: the one the app's runtime version asks for when the engine has it, else
 * the local stand-in; the parity report says which.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RehearseError } from '../../shared/errors.js';
import type { ComponentModel } from '../../spec/model.js';
import type { Engine } from '../engine.js';
import { detectBuildpack, unsupportedHint, type Language } from './detect.js';
import { goPlan } from './go.js';
import { nodePlan } from './node.js';
import { COLLECTSTATIC_MARK, pythonPlan } from './python.js';
import type { LanguagePlan, PlanInput } from './types.js';

export interface GeneratedBuild {
  language: Language;
  dockerfile: string;
  /** The base image used. */
  base: string;
  /** One line: what built the component and with which runtime, for the build log and the parity report. */
  summary: string;
  /** Differences from DigitalOcean's builder. */
  notes: string[];
  /** A hint for a failed build whose log is `log`, when the buildpack step that failed is known. */
  hintFor(log: string): string | undefined;
}

const BUILD_COMMAND_MARK = '-----> Running custom build command (build_command)';

/** A static site with build_command but no language files: the commands run on plain Debian. */
function htmlPlan(): LanguagePlan {
  return {
    buildpack: 'digitalocean/custom (static site)',
    version: { from: 'a static site', buildpackDefault: 'no runtime' },
    images: ['debian:bookworm-slim'],
    toolchain: [],
    build: [],
    env: {},
    notes: [],
  };
}

function procfile(dir: string): Record<string, string> {
  const file = path.join(dir, 'Procfile');
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    [...readFileSync(file, 'utf8').matchAll(/^([A-Za-z0-9_-]+):[ \t]*(.+?)\s*$/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

/** How the container starts: run_command, else the Procfile's process, else the buildpack's default. */
function startOf(c: ComponentModel, dir: string, plan: LanguagePlan): { command: string; from: string } | undefined {
  if (c.kind === 'static_site') return undefined;
  if (c.runCommand) return { command: c.runCommand, from: 'run_command' };
  const procs = procfile(dir);
  const type = c.kind === 'worker' && procs.worker ? 'worker' : 'web';
  if (procs[type]) return { command: procs[type], from: `the Procfile's ${type} process` };
  if (plan.start) return plan.start;
  throw new RehearseError('BUILD_FAILED', `"${c.name}" has no run command, and the buildpack found none to infer`, {
    hint: `set run_command for "${c.name}" (line ${c.line}) or add a Procfile with a web process; App Platform: "A run command is required. If one is not auto-detected, you must set one"`,
  });
}

/** Whether the engine has an image, the test a plan's base images go through. */
export const presentIn =
  (docker: Engine) =>
  (image: string): Promise<boolean> =>
    docker
      .getImage(image)
      .inspect()
      .then(
        () => true,
        () => false,
      );

/**
 * The generated Dockerfile for a buildpack component. `present` says whether the engine has an image; without
 * an engine, pass a function that answers false and the local stand-ins are named.
 */
export async function buildpackDockerfile(
  c: ComponentModel,
  present: (image: string) => Promise<boolean>,
): Promise<GeneratedBuild> {
  const detection = detectBuildpack(c);
  if (detection.language === 'php' || detection.language === 'ruby')
    throw new RehearseError(
      'BUILD_UNSUPPORTED',
      `"${c.name}" is a ${detection.language} app (${detection.evidence}), which rehearse's buildpack stand-in does not build`,
      { hint: unsupportedHint(c, detection.language) },
    );
  const dir = (c.build as { context: string }).context;
  const input: PlanInput = {
    c,
    dir,
    buildKeys: new Set(c.buildEnv.map((e) => e.key)),
    buildValue: (k) => c.buildEnv.find((e) => e.key === k)?.value,
  };
  const plan =
    detection.language === 'node-js'
      ? nodePlan(input)
      : detection.language === 'python'
        ? pythonPlan(input)
        : detection.language === 'go'
          ? goPlan(input)
          : htmlPlan();
  let base = plan.images.at(-1)!;
  for (const image of plan.images)
    if (await present(image)) {
      base = image;
      break;
    }
  const start = startOf(c, dir, plan);
  const v = plan.version;
  const runtime = v.asked
    ? `${v.from} asks ${v.asked}; built on ${base}${base === plan.images[0] ? '' : ` (${plan.images[0]} is not in the local engine)`}`
    : `${v.from}: the buildpack would install ${v.buildpackDefault}; built on ${base}`;
  const summary = `built by rehearse's buildpack stand-in as ${plan.buildpack} would build it (detected ${detection.evidence}); ${runtime}`;
  const env = Object.entries(plan.env).map(([k, val]) => `ENV ${k}=${JSON.stringify(val)}`);
  const lines = [
    `# Generated by rehearse for component "${c.name}": what App Platform's ${plan.buildpack} buildpack does with`,
    '# this code, as a Dockerfile. Adopt it by saving it in source_dir and setting dockerfile_path in the spec.',
    `# ${runtime}.`,
    ...(start ? [`# Start: ${start.from}.`] : []),
    ...(c.buildEnv.length
      ? ['# Build-time variables (BUILD_TIME, RUN_AND_BUILD_TIME): docker build --build-arg KEY=VALUE']
      : []),
    `FROM ${base}${plan.runImage ? ' AS build' : ''}`,
    ...plan.toolchain,
    'WORKDIR /workspace',
  ];
  // Aptfile: DigitalOcean's apt buildpack installs the listed packages before the language's (its docs page).
  if (existsSync(path.join(dir, 'Aptfile')))
    lines.push(
      'COPY Aptfile /workspace/Aptfile',
      "RUN apt-get update && grep -v '^\\s*#' Aptfile | xargs apt-get install -y --no-install-recommends && rm -rf /var/lib/apt/lists/*",
    );
  lines.push(...c.buildEnv.map((e) => `ARG ${e.key}`), ...env, 'COPY . /workspace', ...plan.build);
  // Exec form: a build_command may span lines, which a shell-form RUN cannot hold.
  if (c.buildCommand)
    lines.push(`RUN ${JSON.stringify(['/bin/sh', '-c', `echo '${BUILD_COMMAND_MARK}' && ${c.buildCommand}`])}`);
  if (plan.runImage)
    lines.push(`FROM ${plan.runImage}`, 'WORKDIR /workspace', 'COPY --from=build /workspace /workspace', ...env);
  if (plan.boot) lines.push(`ENTRYPOINT ${JSON.stringify(['/bin/sh', '-c', `${plan.boot} exec "$@"`, 'launcher'])}`);
  // A single command is exec'd, as bash -c does with the launcher's command: the app is PID 1 and gets SIGTERM.
  if (start)
    lines.push(
      `CMD ${JSON.stringify(['/bin/sh', '-c', /^[^;&|<>\n`]+$/.test(start.command) && !/^exec\s|\$\(/.test(start.command) ? `exec ${start.command}` : start.command])}`,
    );
  const notes = [
    `${c.name}: ${summary}`,
    `${c.name}: Debian 12 base instead of the Ubuntu 22.04 stack, no real buildpack output, its build cache or its version resolution; ${plan.notes.join('; ')}`.replace(
      /; $/,
      '',
    ),
  ];
  return {
    language: detection.language,
    dockerfile: lines.join('\n') + '\n',
    base,
    summary,
    notes,
    hintFor: (log) => {
      const last = [...log.split('\n')].reverse();
      const step = last.find((l) => l.includes(COLLECTSTATIC_MARK) || l.includes(BUILD_COMMAND_MARK));
      if (step?.includes(COLLECTSTATIC_MARK))
        return `Django's collectstatic failed, and in production it fails the build too: set STATIC_ROOT (and serve static files, e.g. WhiteNoise), or set DISABLE_COLLECTSTATIC=1 as a BUILD_TIME env of "${c.name}" and collect elsewhere`;
      if (step?.includes(BUILD_COMMAND_MARK))
        return `the build_command of "${c.name}" failed; it runs at the end of the buildpack build, after devDependencies are pruned`;
      return undefined;
    },
  };
}
