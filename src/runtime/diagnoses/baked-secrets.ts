/**
 * Catalog class 12: a SECRET baked into the image. App Platform passes build-time envs (RUN_AND_BUILD_TIME is the
 * default scope) to a Dockerfile build as build arguments; a Dockerfile that declares the ARG records its value in
 * the history of every RUN step after it (and an ENV keeps it in the image's config), readable by anyone who can
 * pull the image with `docker history`. Docker's own build check SecretsUsedInArgOrEnv warns about the same.
 * The notice names the variable and the layer, never the value.
 */
import type { ComponentModel } from '../../spec/model.js';
import type { Engine } from '../engine.js';

interface Layer {
  CreatedBy: string;
}

/** The notices for each SECRET build-time value found in the image's history or config. */
export async function bakedSecrets(docker: Engine, image: string, c: ComponentModel): Promise<string[]> {
  const secrets = c.buildEnv.filter((e) => e.secret && e.value.length >= 4);
  if (!secrets.length) return [];
  const img = docker.getImage(image);
  const [history, info] = await Promise.all([
    img.history().catch(() => [] as Layer[]) as Promise<Layer[]>,
    img.inspect().catch(() => undefined),
  ]);
  const layers = [...history].reverse(); // oldest first, as the Dockerfile reads
  const notices: string[] = [];
  const mask = (s: string) => secrets.reduce((acc, x) => acc.split(x.value).join('******'), s);
  for (const e of secrets) {
    const k = layers.findIndex((l) => l.CreatedBy.includes(e.value));
    const inEnv = (info?.Config.Env ?? []).some((v: string) => v.includes(e.value));
    if (k < 0 && !inEnv) continue;
    const step = k >= 0 ? shortStep(mask(layers[k]!.CreatedBy)) : '';
    const where =
      k >= 0
        ? `layer ${k + 1} of ${layers.length} (${step}) records it as a build argument${inEnv ? ', and ENV keeps it in the image config' : ''}`
        : 'ENV keeps it in the image config';
    notices.push(
      `${e.key} (a SECRET) is baked into ${c.name}'s image: ${where}, for anyone who can pull the image to read (docker history).\nRemove ARG ${e.key} from the Dockerfile and scope ${e.key} RUN_TIME, doing what needs it at run time or in a job.`,
    );
  }
  return notices;
}

/** A history entry (secrets masked) as the Dockerfile step it came from: `|1 KEY=… /bin/sh -c make` -> `RUN make`. */
function shortStep(createdBy: string): string {
  const run = /^\|\d+ .*? \/bin\/sh -c (.*)$/.exec(createdBy);
  const text = run
    ? `RUN ${run[1]}`
    : createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ');
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}
