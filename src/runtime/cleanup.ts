/**
 * Labels are the state store, so cleanup is a sweep by label: `down` and dispose remove an app's objects; the
 * next `up` removes what a dead session (SIGKILL, crash) left behind. A session is judged dead only by the user
 * and machine that started it (labels owner and host): on an engine shared by a team, another user's or
 * another machine's app is never swept, whatever its pid means here.
 */
import { LABEL, ownedHere } from '../shared/labels.js';
import type { Engine } from './engine.js';

export async function removeApp(docker: Engine, appId: string): Promise<{ containers: number; networks: number }> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.app}=${appId}`] } });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  const networks = await docker.listNetworks({ filters: { label: [`${LABEL.app}=${appId}`] } });
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
  return { containers: containers.length, networks: networks.length };
}

/** Stops an app's containers gracefully (SIGTERM, then SIGKILL after each one's grace) and removes everything. */
export async function stopApp(docker: Engine, appId: string, graceSeconds?: number): Promise<void> {
  const containers = await docker.listContainers({ filters: { label: [`${LABEL.app}=${appId}`] } });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .stop(graceSeconds === undefined ? {} : { t: graceSeconds })
        .catch(() => undefined),
    ),
  );
  await removeApp(docker, appId);
}

/** The apps of a project this user started on this machine, each with the pid its objects recorded. */
async function ownApps(docker: Engine, project: string): Promise<Map<string, number>> {
  const f = { label: [`${LABEL.project}=${project}`, `${LABEL.owner}`] };
  const apps = new Map<string, number>();
  const objects = [
    ...(await docker.listContainers({ all: true, filters: f })).map((c) => c.Labels),
    ...(await docker.listNetworks({ filters: f })).map((n) => n.Labels),
  ];
  for (const labels of objects) {
    const app = labels?.[LABEL.app];
    if (app && ownedHere(labels)) apps.set(app, Number(labels[LABEL.pid]));
  }
  return apps;
}

/** Apps of a project, started by this user here, whose owning process is gone (a crash, a SIGKILL): removed. */
export async function reapOrphans(docker: Engine, project: string): Promise<string[]> {
  const dead = [...(await ownApps(docker, project))].filter(([, pid]) => !processAlive(pid)).map(([app]) => app);
  for (const app of dead) await removeApp(docker, app);
  return dead;
}

/** Apps of a project, started by this user here, whose owning process still runs, with that pid. */
export async function liveApps(docker: Engine, project: string): Promise<{ appId: string; pid: number }[]> {
  return [...(await ownApps(docker, project))]
    .filter(([, pid]) => processAlive(pid))
    .map(([appId, pid]) => ({ appId, pid }));
}

/** Every app of a project this user started here, stopped gracefully and removed: `down`. */
export async function downProject(docker: Engine, project: string, graceSeconds?: number): Promise<string[]> {
  const apps = new Set((await ownApps(docker, project)).keys());
  await Promise.all([...apps].map((a) => stopApp(docker, a, graceSeconds)));
  return [...apps];
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The images built for a project (label rehearse.project), removed: `down --rmi`. Kept otherwise, as compose
 * keeps them: they are the layer cache that makes the next `up` fast. Base images are never touched.
 */
export async function removeProjectImages(docker: Engine, project: string): Promise<string[]> {
  const images = await docker.listImages({ filters: { label: [`${LABEL.project}=${project}`] } });
  const removed: string[] = [];
  for (const img of images) {
    const name = img.RepoTags?.find((t) => t !== '<none>:<none>') ?? img.Id;
    await docker
      .getImage(img.Id)
      .remove({ force: true })
      .then(
        () => removed.push(name),
        () => undefined,
      );
  }
  return removed;
}
