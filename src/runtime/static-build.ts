/**
 * Static sites: the build runs in a container, then output_dir is copied out to a folder the router serves.
 * With a Dockerfile, or without one but with a build_command (the buildpack build, src/runtime/buildpacks),
 * output_dir is read from the built image. No build at all: the files a build would publish are copied out
 * (output_dir, else the first of the folders the platform scans), without what .dockerignore excludes and without
 * dotfiles: the router never serves the project folder itself, where `.env`, `.git/config` and `.do/app.yaml`
 * live (issue 17).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ignore } from '@balena/dockerignore';
import tar from 'tar-fs';
import { RehearseError } from '../shared/errors.js';
import { appLabels, LABEL } from '../shared/labels.js';
import { stateDir } from '../shared/state-dir.js';
import type { ComponentModel } from '../spec/model.js';
import { buildComponent } from './build.js';
import type { Engine } from './engine.js';

const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as (o: { ignorecase: boolean }) => Ignore;

/** Where the platform looks for a static site's files when output_dir is unset (app-platform.md §1.8). */
const PUBLISHED_DIRS = ['_static', 'dist', 'public', 'build'];

/** A dotfile or dot-folder anywhere in the path; `.well-known` is published on purpose (ACME, security.txt). */
const isHidden = (rel: string) =>
  rel.split(/[\\/]/).some((seg) => seg.startsWith('.') && seg !== '.' && seg !== '..' && seg !== '.well-known');

function ignoresOf(context: string): Ignore {
  const ignoreFile = path.join(context, '.dockerignore');
  return dockerignore({ ignorecase: false }).add(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
}

export async function buildStaticSite(
  docker: Engine,
  c: ComponentModel,
  appId: string,
  onLine?: (l: string) => void,
  project?: { name: string; id: string },
): Promise<string> {
  const site = c.staticSite!;
  const out = path.join(stateDir('apps', appId), 'static', c.name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true, mode: 0o700 });
  if (c.build.kind === 'image')
    throw new RehearseError('BUILD_UNSUPPORTED', `static site "${c.name}" cannot use an image source`, {
      hint: 'build it from its source',
    });
  const context = c.build.context;
  if (c.build.kind === 'buildpack' && !c.buildCommand) {
    // Nothing to build: what a build would publish is the site.
    const dir = path.resolve(
      context,
      site.outputDir ?? PUBLISHED_DIRS.find((d) => existsSync(path.join(context, d, site.indexDocument))) ?? '.',
    );
    if (!existsSync(dir))
      throw new RehearseError('FILE_MISSING', `static site "${c.name}": ${dir} does not exist`, {
        hint: 'set output_dir to the folder holding index.html',
      });
    const ig = ignoresOf(context);
    cpSync(dir, out, {
      recursive: true,
      filter: (abs) => {
        const rel = path.relative(context, abs).split(path.sep).join('/');
        return !rel || (!isHidden(path.relative(dir, abs)) && !ig.ignores(rel));
      },
    });
    return out;
  }
  const name = `rehearse-${appId}-${c.name}-build`;
  const image = (
    await buildComponent(docker, c, {
      appId,
      timeoutSeconds: 3600,
      ...(onLine ? { onLine } : {}),
      ...(project ? { project } : {}),
    })
  ).image;
  const workdir = (await docker.getImage(image).inspect()).Config.WorkingDir || '/';
  const container = await docker.createContainer({
    name,
    Image: image,
    Labels: { ...appLabels(appId), [LABEL.component]: c.name },
  });
  try {
    await extract(docker, container.id, path.posix.resolve(workdir, site.outputDir ?? '.'), out, c);
  } finally {
    await container.remove({ force: true });
  }
  return out;
}

async function extract(docker: Engine, containerId: string, from: string, to: string, c: ComponentModel) {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await docker.getContainer(containerId).getArchive({ path: from.endsWith('/') ? from : from + '/.' });
  } catch {
    throw new RehearseError('FILE_MISSING', `static site "${c.name}": its build produced no ${from}`, {
      hint: 'set output_dir to the folder the build writes (e.g. dist, build, public)',
    });
  }
  await new Promise<void>((resolve, reject) =>
    archive
      .pipe(tar.extract(to, { map: (h) => ({ ...h, name: h.name.replace(/^[^/]+\/?/, '') }) }))
      .on('finish', resolve)
      .on('error', reject),
  );
}
