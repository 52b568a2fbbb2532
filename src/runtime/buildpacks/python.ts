/**
 * heroku-buildpack-python (DO: v253, default Python 3.12.4 per DigitalOcean's Python buildpack page; research
 * B.2, B.3): the version from runtime.txt or .python-version, `pip install -r requirements.txt`, Django's
 * `collectstatic --noinput` run when manage.py and Django are there ("If collectstatic fails, your build fails";
 * DISABLE_COLLECTSTATIC opts out: bin/steps/collectstatic), and at run time PYTHONUNBUFFERED, PYTHONPATH,
 * FORWARDED_ALLOW_IPS, GUNICORN_CMD_ARGS (bin/compile) and WEB_CONCURRENCY from memory and cores at boot
 * (vendor/WEB_CONCURRENCY.sh). No default start: "A run command is required" (DO's Python page).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RehearseError } from '../../shared/errors.js';
import { aptInstall, MEMORY_MB, type LanguagePlan, type PlanInput } from './types.js';

export const COLLECTSTATIC_MARK = '-----> $ python manage.py collectstatic --noinput';

function askedVersion(dir: string): { asked: string; from: string } | undefined {
  for (const [file, re] of [
    ['.python-version', /^\s*(\d+\.\d+(?:\.\d+)?)/m],
    ['runtime.txt', /python-(\d+\.\d+(?:\.\d+)?)/],
  ] as const) {
    const p = path.join(dir, file);
    const m = existsSync(p) ? re.exec(readFileSync(p, 'utf8')) : null;
    if (m) return { asked: m[1]!, from: file };
  }
  return undefined;
}

export function pythonPlan({ c, dir, buildValue }: PlanInput): LanguagePlan {
  const has = (f: string) => existsSync(path.join(dir, f));
  const version = askedVersion(dir);
  const minor = (version?.asked ?? '3.12').split('.').slice(0, 2).join('.');
  const build: string[] = [];
  // An empty requirements.txt (a marker that the app is Python) has nothing to install.
  const requirements = has('requirements.txt')
    ? readFileSync(path.join(dir, 'requirements.txt'), 'utf8')
        .split('\n')
        .some((l) => l.trim() && !l.trim().startsWith('#'))
    : undefined;
  if (requirements)
    // Debian's python (the offline stand-in) marks itself externally managed; the python images do not.
    build.push(
      'RUN PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1 python -m pip install --no-cache-dir -r requirements.txt',
    );
  else if (
    requirements === undefined &&
    (has('Pipfile') || has('pyproject.toml') || has('uv.lock') || has('poetry.lock'))
  )
    throw new RehearseError(
      'BUILD_UNSUPPORTED',
      `"${c.name}" declares its dependencies in ${['Pipfile', 'pyproject.toml', 'uv.lock', 'poetry.lock'].find(has)}; rehearse's buildpack stand-in installs from requirements.txt only`,
      {
        hint: `export a requirements.txt (pipenv requirements, poetry export, uv export) or add a Dockerfile for "${c.name}" (line ${c.line})`,
      },
    );
  const disabled = buildValue('DISABLE_COLLECTSTATIC');
  if (has('manage.py') && (disabled === undefined || disabled === '0' || disabled === ''))
    // Run when Django is installed; a failure fails the build, as in production.
    build.push(
      `RUN if python -c "import django" 2>/dev/null; then echo '${COLLECTSTATIC_MARK}' && python manage.py collectstatic --noinput; fi`,
    );
  return {
    buildpack: 'heroku/python (heroku-buildpack-python)',
    version: {
      ...(version ? { asked: version.asked } : {}),
      from: version?.from ?? 'no runtime.txt or .python-version',
      buildpackDefault: "3.12.4 (DigitalOcean's Python buildpack page)",
    },
    images: [...new Set([`python:${minor}-slim-bookworm`, 'python:3.11-slim-bookworm'])],
    // The python images ship pip; rehearse's offline stand-in (Debian's python3) does not.
    toolchain: [`RUN python -m pip --version >/dev/null 2>&1 || (${aptInstall('python3-pip')})`],
    build,
    env: {
      PYTHONUNBUFFERED: 'true',
      PYTHONPATH: '/workspace',
      FORWARDED_ALLOW_IPS: '*',
      GUNICORN_CMD_ARGS: '--access-logfile -',
    },
    // vendor/WEB_CONCURRENCY.sh: min(cores * 2 + 1, MiB / 256), at least 1, unless already set.
    boot: `${MEMORY_MB} if [ -n "$mb" ] && [ "$mb" -le 1048576 ]; then export DYNO_RAM=$mb; if [ -z "\${WEB_CONCURRENCY:-}" ]; then w=$((mb / 256)); [ "$w" -lt 1 ] && w=1; k=$(($(nproc) * 2 + 1)); [ "$w" -lt "$k" ] || w=$k; export WEB_CONCURRENCY=$w; fi; fi;`,
    notes: [
      'pip installs from whatever index this machine reaches (none offline: only packages already present, e.g. from an Aptfile, satisfy requirements.txt)',
      'LANG stays C.UTF-8 (the buildpack sets en_US.UTF-8, a locale Debian slim images lack)',
    ],
  };
}
