/**
 * heroku-buildpack-nodejs (DO: v341 per the Node.js reference page; research B.2, B.3): NODE_ENV=production at
 * build and run time, devDependencies installed for the build (`npm ci` with a lockfile, else `npm install`),
 * `heroku-prebuild`, then `heroku-postbuild` or else `build`, devDependencies pruned, `heroku-cleanup`;
 * WEB_CONCURRENCY from the memory at boot (profile/WEB_CONCURRENCY.sh); `npm start` when nothing else says how
 * to start. Sources: Heroku changelog 1376 (devDependencies installed, then pruned), 1573 (`build` runs, and
 * `heroku-postbuild` instead of it), lib/environment.sh (NODE_OPTIONS at build).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RehearseError } from '../../shared/errors.js';
import type { ComponentModel } from '../../spec/model.js';
import { aptInstall, MEMORY_MB, type LanguagePlan, type PlanInput } from './types.js';

interface PackageJson {
  scripts?: Record<string, string>;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readPackageJson(dir: string, component: string): PackageJson {
  const file = path.join(dir, 'package.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch (err) {
    throw new RehearseError(
      'BUILD_FAILED',
      `package.json of "${component}" is not valid JSON: ${(err as Error).message}`,
      {
        hint: `fix ${file}; the Node.js buildpack reads it first`,
        location: { file, line: 1, column: 1 },
      },
    );
  }
}

export function nodePlan({ c, dir, buildKeys, buildValue }: PlanInput): LanguagePlan {
  const pkg = readPackageJson(dir, c.name);
  const scripts = pkg.scripts ?? {};
  const asked = pkg.engines?.node;
  const major = asked ? /(\d+)/.exec(asked)?.[1] : undefined;
  const has = (f: string) => existsSync(path.join(dir, f));
  if (!has('package-lock.json') && !has('npm-shrinkwrap.json') && (has('yarn.lock') || has('pnpm-lock.yaml')))
    throw new RehearseError(
      'BUILD_UNSUPPORTED',
      `"${c.name}" installs with ${has('yarn.lock') ? 'yarn' : 'pnpm'}, which rehearse's buildpack stand-in does not run (npm only)`,
      {
        hint: `add a Dockerfile for "${c.name}" (line ${c.line}) that installs with ${has('yarn.lock') ? 'yarn' : 'pnpm'}, or commit a package-lock.json`,
      },
    );
  const install = has('package-lock.json') || has('npm-shrinkwrap.json') ? 'npm ci' : 'npm install';
  const run = (s: string) => `RUN npm run ${s}`;
  const build: string[] = [];
  if (scripts['heroku-prebuild']) build.push(run('heroku-prebuild'));
  // devDependencies too: the build needs them; they are pruned once it is done.
  build.push(`RUN ${install} --include=dev --no-audit --no-fund`);
  const buildScript = scripts['heroku-postbuild'] ? 'heroku-postbuild' : scripts.build ? 'build' : undefined;
  // The buildpack gives the build 2.5 GiB of heap unless NODE_OPTIONS says otherwise (lib/environment.sh).
  if (buildScript) build.push(`RUN NODE_OPTIONS="\${NODE_OPTIONS:---max_old_space_size=2560}" npm run ${buildScript}`);
  const keepDev = ['NPM_CONFIG_PRODUCTION', 'npm_config_production'].some((k) => buildValue(k) === 'false');
  if (!keepDev) build.push('RUN npm prune --omit=dev --no-audit --no-fund');
  if (scripts['heroku-cleanup']) build.push(run('heroku-cleanup'));
  const notes = [
    `npm ${install === 'npm ci' ? 'ci' : 'install'} reaches whatever registry this machine reaches; production installs from the public registry`,
  ];
  if (keepDev) notes.push('NPM_CONFIG_PRODUCTION=false: devDependencies kept, as the buildpack keeps them');
  return {
    buildpack: 'heroku/nodejs (heroku-buildpack-nodejs)',
    version: {
      ...(asked ? { asked } : {}),
      from: asked ? 'engines.node in package.json' : 'no engines.node',
      buildpackDefault: '22.x (the version a 2026 App Platform build log resolved with no engines.node)',
    },
    images: [...new Set([`node:${major ?? '22'}-bookworm-slim`, 'node:20-bookworm-slim'])],
    // The node images ship npm; rehearse's offline stand-in carries the node binary alone.
    toolchain: [`RUN command -v npm >/dev/null 2>&1 || (${aptInstall('npm')})`],
    build,
    env: buildKeys.has('NODE_ENV') ? {} : { NODE_ENV: 'production' },
    // profile/WEB_CONCURRENCY.sh: MEMORY_AVAILABLE (512 when unknown), WEB_MEMORY 512 (2048 above 16 GiB).
    boot: `${MEMORY_MB} [ -n "$mb" ] || mb=512; [ "$mb" -gt 129024 ] && mb=129024; export MEMORY_AVAILABLE="\${MEMORY_AVAILABLE:-$mb}"; if [ "$MEMORY_AVAILABLE" -gt 16384 ]; then d=2048; else d=512; fi; export WEB_MEMORY="\${WEB_MEMORY:-$d}"; if [ -z "\${WEB_CONCURRENCY:-}" ]; then w=$((MEMORY_AVAILABLE / WEB_MEMORY)); if [ "$w" -lt 1 ] || [ "$w" -gt 200 ]; then w=1; fi; export WEB_CONCURRENCY=$w; fi;`,
    ...(scripts.start || has('server.js')
      ? { start: { command: 'npm start', from: scripts.start ? 'the start script' : "npm's default, node server.js" } }
      : {}),
    notes,
  };
}

/**
 * A crash on a module the buildpack pruned: a devDependency the app needs at run time. Locally `npm install`
 * keeps devDependencies, so it works there (research C24).
 */
export function prunedDevDependency(c: ComponentModel, log: string): string | undefined {
  if (c.build.kind !== 'buildpack') return undefined;
  const missing =
    /Cannot find module '([^']+)'|ERR_MODULE_NOT_FOUND.*?package '([^']+)'|command not found: (\S+)|sh: \d*:? ?(\S+): not found/.exec(
      log,
    );
  const name = missing?.slice(1).find(Boolean);
  if (!name || !existsSync(path.join(c.build.context, 'package.json'))) return undefined;
  const pkg = readPackageJson(c.build.context, c.name);
  const dev = Object.keys(pkg.devDependencies ?? {}).find((d) => name === d || name.startsWith(`${d}/`));
  if (!dev || pkg.dependencies?.[dev]) return undefined;
  return `${dev} is a devDependency: the Node.js buildpack prunes devDependencies after the build, so it is not there at run time (npm install keeps it locally). Move it to "dependencies" in package.json, or build with it and run the output.`;
}
