/**
 * `rehearse dockerfile COMPONENT`: the Dockerfile a component without one is built from, the same text `up`
 * builds, so a user can adopt it (seed 001: bring your own Dockerfile) and keep the buildpack's behaviour.
 */
import { loadProfile } from '../profile/profile.js';
import { buildpackDockerfile, presentIn } from '../runtime/buildpacks/dockerfile.js';
import { connectEngine, type Engine } from '../runtime/engine.js';
import { RehearseError } from '../shared/errors.js';
import { loadModel, modelOf, specFileOf } from './load-model.js';

export async function componentDockerfile(
  component: string,
  options: { spec?: string; platform?: string } = {},
): Promise<{ dockerfile: string; summary: string; engine: boolean }> {
  const model = modelOf(loadModel({ file: specFileOf(options.spec), profile: loadProfile(options.platform) }));
  const c = model.components.find((x) => x.name === component);
  if (!c)
    throw new RehearseError('USAGE', `no component named "${component}"`, {
      hint: `components: ${model.components.map((x) => x.name).join(', ')}`,
    });
  if (c.build.kind !== 'buildpack')
    throw new RehearseError(
      'USAGE',
      `"${component}" is built from ${c.build.kind === 'image' ? `the image ${c.build.image}` : `its own Dockerfile, ${c.build.dockerfile}`}, not by a buildpack`,
      { hint: 'rehearse dockerfile prints the Dockerfile of components that have none' },
    );
  // The base image follows what the engine has, as `up` does; with no engine, the local stand-ins are named.
  const docker: Engine | undefined = await connectEngine().catch(() => undefined);
  const generated = await buildpackDockerfile(c, docker ? presentIn(docker) : () => Promise.resolve(false));
  return { dockerfile: generated.dockerfile, summary: generated.summary, engine: docker !== undefined };
}
