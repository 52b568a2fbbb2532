/**
 * `rehearse dockerfile COMPONENT`: the Dockerfile a component without one is built from, the same text `up`
 * builds, so a user can adopt it (seed 001: bring your own Dockerfile) and keep the buildpack's behaviour.
 */
import { loadProfile } from '../profile/profile.js';
import { buildpackDockerfile } from '../runtime/buildpacks/dockerfile.js';
import { connectEngine, type Engine } from '../runtime/engine.js';
import { RehearseError } from '../shared/errors.js';
import { loadSpec } from '../spec/index.js';
import { specFileOf } from './project.js';

export async function componentDockerfile(
  component: string,
  options: { spec?: string; platform?: string } = {},
): Promise<{ dockerfile: string; summary: string; engine: boolean }> {
  const file = specFileOf(options.spec);
  const r = loadSpec(file, { profile: loadProfile(options.platform) });
  if (!r.model) {
    const e = r.diagnostics.find((d) => d.severity === 'error')!;
    throw new RehearseError('SPEC_INVALID', e.message, {
      location: { file: e.file, line: e.line, column: e.column },
      ...(e.hint ? { hint: e.hint } : {}),
    });
  }
  const c = r.model.components.find((x) => x.name === component);
  if (!c)
    throw new RehearseError('USAGE', `no component named "${component}"`, {
      hint: `components: ${r.model.components.map((x) => x.name).join(', ')}`,
    });
  if (c.build.kind !== 'buildpack')
    throw new RehearseError(
      'USAGE',
      `"${component}" is built from ${c.build.kind === 'image' ? `the image ${c.build.image}` : `its own Dockerfile, ${c.build.dockerfile}`}, not by a buildpack`,
      { hint: 'rehearse dockerfile prints the Dockerfile of components that have none' },
    );
  // The base image follows what the engine has, as `up` does; with no engine, the local stand-ins are named.
  const docker: Engine | undefined = await connectEngine().catch(() => undefined);
  const generated = await buildpackDockerfile(c, (image) =>
    docker
      ? docker
          .getImage(image)
          .inspect()
          .then(
            () => true,
            () => false,
          )
      : Promise.resolve(false),
  );
  return { dockerfile: generated.dockerfile, summary: generated.summary, engine: docker !== undefined };
}
