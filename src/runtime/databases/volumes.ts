/**
 * A project's database volumes: kept by `down` (a managed cluster outlives its app's deploys), removed by
 * `down --volumes` as compose's is. Found by label, so a crashed session's data is found again too.
 */
import { LABEL } from '../../shared/labels.js';
import type { Engine } from '../engine.js';

export async function removeDatabaseVolumes(docker: Engine, project: string): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({
    filters: { label: [`${LABEL.project}=${project}`, `${LABEL.kind}=database`] },
  });
  const removed: string[] = [];
  for (const v of Volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove()
      .then(() => removed.push(v.Name));
  return removed;
}
