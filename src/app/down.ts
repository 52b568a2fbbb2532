/** `down`: remove every container and network of the app whose spec is given, whoever started it. */
import path from 'node:path';
import { stopApp } from '../runtime/cleanup.js';
import { connectEngine } from '../runtime/engine.js';
import { findSpec, loadSpec } from '../spec/index.js';
import { RehearseError } from '../shared/errors.js';
import { appIdFor } from './app-id.js';

export async function downApp(options: { spec?: string; graceSeconds?: number } = {}): Promise<{ appId: string }> {
  const file =
    options.spec && /\.ya?ml$/.test(options.spec)
      ? findSpec(process.cwd(), options.spec)
      : findSpec(path.resolve(options.spec ?? '.'));
  const { model } = loadSpec(file);
  if (!model)
    throw new RehearseError('SPEC_INVALID', `cannot read the app name from ${file}`, {
      hint: 'run "rehearse validate" to see why',
    });
  const docker = await connectEngine();
  const appId = appIdFor(model.name, file);
  await stopApp(docker, appId, options.graceSeconds);
  return { appId };
}
