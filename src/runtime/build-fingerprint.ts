/**
 * An unchanged build is not sent to the engine. The classic builder's cache decides per step from the parent
 * image and the step's inputs (the instruction, the files it copies, the build args); when every input is the
 * same as for the image a project's tag already names, the builder would replay its cache step by step and end
 * at that very image, after packing and sending the whole context (~100 ms for a small app, seconds for a big
 * one). The fingerprint is those inputs: the Dockerfile as built (with rehearse's labels), the context's files
 * as they would be packed (path, type, mode, size, mtime, as make and ninja judge a file), the build args, and
 * the id of every image the Dockerfile starts from or copies from. Where the result cannot be known from here
 * (an `ADD` of a URL, an image named through `$ARG`, a base missing locally), there is no fingerprint and the
 * build runs as always.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { Instruction } from '../spec/lints/dockerfile.js';
import type { Engine } from './engine.js';

/** Bumped when what goes into an image's build changes in rehearse itself. */
const VERSION = 1;

export interface BuildInputs {
  context: string;
  /** The same test the context's packer uses: true for a path (relative, `/`-separated) left out. */
  ignored: (rel: string) => boolean;
  instructions: Instruction[];
  /** Every other text the build is made of: the Dockerfile as sent, the .dockerignore as sent, build args. */
  texts: string[];
}

/** The images a Dockerfile depends on by name: FROM bases and COPY --from sources that are not its own stages. */
export function externalImages(instructions: Instruction[]): string[] | undefined {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const [n, i] of instructions.entries()) {
    if (i.keyword === 'ADD' && /\b[a-z][a-z0-9+.-]*:\/\/|\bgit@/i.test(i.args)) return undefined;
    let name: string | undefined;
    if (i.keyword === 'FROM') {
      const words = i.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      name = words[0];
      if (words[1]?.toLowerCase() === 'as' && words[2]) stages.add(words[2].toLowerCase());
      stages.add(String(instructions.slice(0, n).filter((x) => x.keyword === 'FROM').length));
    } else if (i.keyword === 'COPY' || i.keyword === 'ADD') name = /--from=(\S+)/.exec(i.args)?.[1];
    if (!name || stages.has(name.toLowerCase()) || name === 'scratch') continue;
    if (name.includes('$')) return undefined;
    images.push(name);
  }
  return images;
}

/** Every path the packer would send, with what decides whether the builder sees a change. */
function* walk(context: string, ignored: (rel: string) => boolean, dir = ''): Generator<string> {
  for (const entry of readdirSync(path.join(context, dir)).sort()) {
    const rel = dir ? `${dir}/${entry}` : entry;
    if (ignored(rel)) continue;
    const abs = path.join(context, rel);
    const st = lstatSync(abs);
    const link = st.isSymbolicLink() ? readlinkSync(abs) : '';
    yield `${rel}\0${st.mode}\0${st.isDirectory() ? 0 : st.size}\0${st.isDirectory() ? 0 : st.mtimeMs}\0${link}`;
    if (st.isDirectory()) yield* walk(context, ignored, rel);
  }
}

/** The build's fingerprint, or undefined when only a build can tell what it would make. */
export async function buildFingerprint(docker: Engine, inputs: BuildInputs): Promise<string | undefined> {
  const images = externalImages(inputs.instructions);
  if (!images) return undefined;
  const ids = await Promise.all(
    images.map((name) =>
      docker
        .getImage(name)
        .inspect()
        .then(
          (i) => i.Id,
          () => undefined,
        ),
    ),
  );
  if (ids.some((id) => id === undefined)) return undefined;
  const hash = createHash('sha256').update(`rehearse-build-${VERSION}\0`);
  for (const t of [...inputs.texts, ...ids]) hash.update(`${t}\0`);
  for (const line of walk(inputs.context, inputs.ignored)) hash.update(`${line}\n`);
  return hash.digest('hex').slice(0, 32);
}

/** The id of the image `tag` names if it was built from these very inputs. */
export async function unchangedImage(docker: Engine, tag: string, fingerprint: string, label: string) {
  const image = await docker
    .getImage(tag)
    .inspect()
    .catch(() => undefined);
  return image?.Config?.Labels?.[label] === fingerprint ? image.Id : undefined;
}
