/**
 * Static sites: the build runs in a container, then output_dir is copied out to a folder the router serves.
 * With a Dockerfile, or without one but with a build_command (the buildpack build, src/runtime/buildpacks),
 * output_dir is read from the built image. No build at all: source_dir (or its output_dir) is served as it is.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-fs';
import { RehearseError } from '../shared/errors.js';
import { appLabels, LABEL } from '../shared/labels.js';
import type { ComponentModel } from '../spec/model.js';
import { buildComponent } from './build.js';
import type { Engine } from './engine.js';

export async function buildStaticSite(
  docker: Engine,
  c: ComponentModel,
  appId: string,
  onLine?: (l: string) => void,
  project?: { name: string; id: string },
): Promise<string> {
  const site = c.staticSite!;
  const out = path.join(os.tmpdir(), 'rehearse', appId, 'static', c.name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  if (c.build.kind === 'image')
    throw new RehearseError('BUILD_UNSUPPORTED', `static site "${c.name}" cannot use an image source`, {
      hint: 'build it from its source',
    });
  const context = c.build.context;
  if (c.build.kind === 'buildpack' && !c.buildCommand) {
    // Nothing to build: the files are the site.
    const dir = path.resolve(context, site.outputDir ?? '.');
    if (!existsSync(dir))
      throw new RehearseError('FILE_MISSING', `static site "${c.name}": ${dir} does not exist`, {
        hint: 'set output_dir to the folder holding index.html',
      });
    return dir;
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
