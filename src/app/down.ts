/** `down`: stop and remove every app of the project whose spec is given, whoever started it. */
import path from 'node:path';
import { downProject } from '../runtime/cleanup.js';
import { connectEngine } from '../runtime/engine.js';
import { findSpec } from '../spec/index.js';
import { projectIdFor } from './app-id.js';

export async function downApp(
  options: { spec?: string; graceSeconds?: number } = {},
): Promise<{ project: string; apps: string[] }> {
  const file =
    options.spec && /\.ya?ml$/.test(options.spec)
      ? findSpec(process.cwd(), options.spec)
      : findSpec(path.resolve(options.spec ?? '.'));
  const docker = await connectEngine();
  const project = projectIdFor(file);
  const apps = await downProject(docker, project, options.graceSeconds);
  return { project, apps };
}
