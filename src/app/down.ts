/**
 * `down`: a live session is asked to stop itself (its process then exits cleanly); then every container and
 * network of the project is stopped and removed, whoever started it; with `removeImages`, its built images too;
 * with `removeVolumes`, its databases' data.
 */
import { downProject, removeProjectImages } from '../runtime/cleanup.js';
import { forgetCredentials } from '../runtime/databases/credentials.js';
import { removeDatabaseVolumes } from '../runtime/databases/volumes.js';
import { connectEngine } from '../runtime/engine.js';
import { projectIdFor } from './app-id.js';
import { callControl } from './control.js';
import { specFileOf } from './load-model.js';
import { readSession, removeSession } from './session.js';

export async function downApp(
  options: { spec?: string; graceSeconds?: number; removeImages?: boolean; removeVolumes?: boolean } = {},
): Promise<{ project: string; apps: string[]; session?: number; images: string[]; volumes: string[] }> {
  const file = specFileOf(options.spec);
  const project = projectIdFor(file);
  const docker = await connectEngine();
  const session = readSession(project);
  if (session) {
    await callControl(session, '/down').catch(() => undefined);
    const deadline = Date.now() + ((options.graceSeconds ?? 120) + 15) * 1000;
    while (readSession(project) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    removeSession(project, session.pid);
  }
  const apps = await downProject(docker, project, options.graceSeconds);
  const images = options.removeImages ? await removeProjectImages(docker, project) : [];
  const volumes = options.removeVolumes ? await removeDatabaseVolumes(docker, project) : [];
  if (options.removeVolumes) forgetCredentials(project); // a new database gets a new password, as in production
  return {
    project,
    images,
    volumes,
    apps: session ? [session.appId, ...apps.filter((a) => a !== session.appId)] : apps,
    ...(session ? { session: session.pid } : {}),
  };
}
