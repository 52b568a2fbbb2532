/**
 * Labels are the state store, so cleanup is a sweep by label: `down` and dispose remove an app's objects; the
 * next `up` removes what a dead session (SIGKILL, crash) left behind.
 */
import { LABEL } from '../shared/labels.js';
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

/** Objects of this app whose owning process is gone: a crashed or SIGKILLed session. */
export async function reapOrphans(docker: Engine, appId: string): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.app}=${appId}`] } });
  const dead = containers.filter((c) => !processAlive(Number(c.Labels[LABEL.pid])));
  if (dead.length === 0 && containers.length === 0) {
    const nets = await docker.listNetworks({ filters: { label: [`${LABEL.app}=${appId}`] } });
    if (nets.length === 0) return 0;
  }
  if (dead.length === containers.length) return (await removeApp(docker, appId)).containers;
  return 0;
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
