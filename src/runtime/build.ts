/**
 * Builds one image per component with the classic builder (offline-friendly), packing the context ourselves so
 * `.dockerignore` is honoured exactly as Docker does, and keeping the whole build log: when a build fails or
 * times out the platform loses it, we must not.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import type { Ignore } from '@balena/dockerignore';
import tar from 'tar-fs';
import { RehearseError } from '../shared/errors.js';
import { LABEL } from '../shared/labels.js';
import { stateDir, writeFileAtomic } from '../shared/state-dir.js';
import { parseDockerfile } from '../spec/lints/dockerfile.js';
import type { ComponentModel } from '../spec/model.js';
import { buildFingerprint, unchangedImage } from './build-fingerprint.js';
import { buildpackDockerfile, presentIn } from './buildpacks/dockerfile.js';
import { gitTree, gitTreeNotice } from './diagnoses/git-tree.js';
import type { Engine } from './engine.js';

// CommonJS with a `default` export whose types do not say so; require gives the function itself.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as (o: { ignorecase: boolean }) => Ignore;

/** The name the component's Dockerfile (with rehearse's labels appended) has inside the build context. */
const GENERATED_DOCKERFILE = '.rehearse.Dockerfile';

export interface BuildOptions {
  appId: string;
  /**
   * The project the image belongs to (the app's name and its project id). Images are tagged and labelled per
   * project, not per run: a label that changed every run would be a new layer every run, and the layer cache,
   * which is what makes a warm `up` fast, would never hit. Without it, the image is scoped to `appId`.
   */
  project?: { name: string; id: string };
  timeoutSeconds: number;
  /** Called with each line of build output, for live progress. */
  onLine?: (line: string) => void;
  /** Masks secret values in the kept log. */
  mask?: (s: string) => string;
  /** A production-only problem the build found (files git would not ship). */
  onNotice?: (message: string) => void;
}

/** Where a component's full build log is kept, failed or not: the platform loses it on a timeout; we must not. */
export function buildLogPath(appId: string, component: string) {
  return path.join(stateDir('apps', appId), `${component}.build.log`);
}

export function imageTag(scope: string, component: string) {
  return `rehearse/${scope}/${component}:latest`;
}

export async function buildComponent(
  docker: Engine,
  c: ComponentModel,
  opts: BuildOptions,
): Promise<{ image: string; tag: string; log: string[]; rebuilt: boolean; notes?: string[] }> {
  if (c.build.kind === 'image') return { image: c.build.image, tag: c.build.image, log: [], rebuilt: false };
  // A component without a Dockerfile gets the one its buildpack amounts to (src/runtime/buildpacks).
  const generated = c.build.kind === 'buildpack' ? await buildpackDockerfile(c, presentIn(docker)) : undefined;
  if (generated) opts.onLine?.(generated.summary);
  const { context } = c.build;
  if (!existsSync(context))
    throw new RehearseError('FILE_MISSING', `source_dir of "${c.name}" does not exist: ${context}`, {
      hint: 'source_dir is relative to the repository root',
    });
  const dockerfile = c.build.kind === 'dockerfile' ? c.build.dockerfile : '';
  if (!generated && !existsSync(dockerfile))
    throw new RehearseError('FILE_MISSING', `Dockerfile of "${c.name}" does not exist: ${dockerfile}`, {
      hint: 'dockerfile_path is relative to the repository root',
    });

  // The Dockerfile goes into the context under a name of our own, with the labels appended as one LABEL line:
  // the classic builder turns each build-API label into a step of its own, one container commit each (about
  // 60 ms apiece on every cold build and every --watch rebuild). It may also sit outside the context
  // (dockerfile_path is relative to the repo root, not source_dir).
  const labels: Record<string, string> = {
    ...(opts.project ? { [LABEL.project]: opts.project.id } : { [LABEL.app]: opts.appId }),
    [LABEL.component]: c.name,
    // An app image is not a stand-in, even when its base is one.
    [LABEL.standIn]: '',
  };
  const ignoreFile = path.join(context, '.dockerignore');
  const userIgnore = existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : undefined;
  const ig = dockerignore({ ignorecase: false }).add(userIgnore ?? '');
  // The engine drops the Dockerfile (and .dockerignore) from the context when .dockerignore names them, so a
  // `COPY . .` never sees our file; a .dockerignore the user did not write goes the same way.
  const ignoreText = `${userIgnore ?? ''}\n${GENERATED_DOCKERFILE}\n${userIgnore === undefined ? '.dockerignore\n' : ''}`;
  // Production builds from the committed tree: what git would not ship stays out here too (catalog class 9).
  const tree = gitTree(context);
  const notice = tree && gitTreeNotice(c.name, tree, (rel) => ig.ignores(rel));
  if (notice) opts.onNotice?.(notice);
  const ignored = (rel: string) =>
    rel === '.dockerignore' || rel === GENERATED_DOCKERFILE || ig.ignores(rel) || (tree?.leftOut(rel) ?? false);
  const image = imageTag(opts.project ? `${opts.project.name}-${opts.project.id}` : opts.appId, c.name);
  const buildargs = Object.fromEntries(c.buildEnv.map((e) => [e.key, e.value]));
  const userDockerfile = (generated?.dockerfile ?? readFileSync(dockerfile, 'utf8')).replace(/\s*$/, '');
  const labelLine = () =>
    `LABEL ${Object.entries(labels)
      .map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`)
      .join(' ')}`;
  const fingerprint = await buildFingerprint(docker, {
    context,
    ignored,
    instructions: parseDockerfile(userDockerfile),
    texts: [userDockerfile, labelLine(), ignoreText, JSON.stringify(Object.entries(buildargs).sort())],
  });
  if (fingerprint) {
    const same = await unchangedImage(docker, image, fingerprint, LABEL.fingerprint);
    if (same) {
      const line = `unchanged since its last build: ${image} (${same.replace(/^sha256:/, '').slice(0, 12)}), not rebuilt`;
      opts.onLine?.(line);
      keepLog(opts.appId, c.name, [line]);
      return { image: same, tag: image, log: [line], rebuilt: false, ...(generated ? { notes: generated.notes } : {}) };
    }
    labels[LABEL.fingerprint] = fingerprint;
  }
  const dockerfileText = `${userDockerfile}\n${labelLine()}\n`;
  const pack = tar.pack(context, {
    ignore: (abs) => {
      const rel = path.relative(context, abs).split(path.sep).join('/');
      return rel !== '' && ignored(rel);
    },
    finalize: false,
    finish: (p) => {
      p.entry({ name: GENERATED_DOCKERFILE }, dockerfileText);
      p.entry({ name: '.dockerignore' }, ignoreText);
      p.finalize();
    },
  });
  const stream = (await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
    t: image,
    dockerfile: GENERATED_DOCKERFILE,
    buildargs,
    rm: true,
    forcerm: true,
  })) as unknown as NodeJS.ReadableStream & { destroy(): void };

  const log: string[] = [];
  let error: string | undefined;
  const lines = readline.createInterface({ input: stream });
  const timer = setTimeout(() => {
    error = `build timed out after ${opts.timeoutSeconds}s (the platform's build timeout)`;
    // Closing the connection cancels the build in the engine; closing readline ends the loop below.
    stream.destroy();
    lines.close();
  }, opts.timeoutSeconds * 1000);
  try {
    for await (const raw of lines) {
      let msg: { stream?: string; error?: string; errorDetail?: { message?: string }; status?: string };
      try {
        msg = JSON.parse(raw);
      } catch {
        continue; // a non-JSON line must not kill the build (dockerode #560)
      }
      const text = msg.stream ?? msg.status;
      if (text) {
        for (const l of text
          .replace(/\n$/, '')
          .split('\n')
          .filter((x) => x.trim())) {
          log.push(l);
          opts.onLine?.(l);
        }
      }
      if (msg.error) error = msg.errorDetail?.message ?? msg.error;
    }
  } catch (cause) {
    error ??= (cause as Error).message;
  } finally {
    clearTimeout(timer);
  }
  const logFile = keepLog(opts.appId, c.name, log.map(opts.mask ?? ((x) => x)));
  if (error) {
    // The classic builder reports failure as a line in a 200 stream; followProgress would call it success.
    // A variable the build needs but the spec scopes RUN_TIME: the build never sees it.
    const text = log.slice(-40).join('\n');
    const runOnly = c.runOnlyKeys.find((k) => new RegExp(`\\b${k}\\b`).test(text));
    throw new RehearseError('BUILD_FAILED', `build of "${c.name}" failed: ${error}`, {
      details: text,
      hint:
        generated?.hintFor(log.join('\n')) ??
        (runOnly
          ? `${runOnly} is scoped RUN_TIME in the spec, so the build does not get it: set its scope to BUILD_TIME or RUN_AND_BUILD_TIME (and declare ARG ${runOnly} in the Dockerfile). Full log: ${logFile}`
          : `fix the ${generated ? 'build step' : 'Dockerfile step'} above; the full build log (${log.length} lines) is in ${logFile}`),
    });
  }
  // Containers are created from the image id this build produced, not from the tag: another session of the same
  // project (a parallel test file, a second --watch) may move the tag at any moment.
  const built = log.map((l) => /^Successfully built ([0-9a-f]{12,64})$/.exec(l.trim())?.[1]).findLast(Boolean);
  return { image: built ?? image, tag: image, log, rebuilt: true, ...(generated ? { notes: generated.notes } : {}) };
}

function keepLog(appId: string, component: string, lines: string[]) {
  const file = buildLogPath(appId, component);
  writeFileAtomic(file, lines.join('\n') + '\n');
  return file;
}
