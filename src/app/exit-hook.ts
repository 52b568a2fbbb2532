/**
 * The second of three cleanup layers (dispose, exit hook, label sweep on the next up). When a process exits with
 * apps still running (a test that forgot to stop one, an uncaught error), a synchronous child removes their
 * labelled containers and networks: exit handlers cannot await, but they can block on spawnSync.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const live = new Set<string>();
let installed = false;

const SWEEP = `
const Docker = require(process.argv[1]);
const d = new Docker();
(async () => {
  for (const app of process.argv.slice(2)) {
    const f = { label: ['rehearse.app=' + app] };
    for (const c of await d.listContainers({ all: true, filters: f })) await d.getContainer(c.Id).remove({ force: true }).catch(() => {});
    for (const n of await d.listNetworks({ filters: f })) await d.getNetwork(n.Id).remove().catch(() => {});
  }
})();`;

export function registerForExit(appId: string): () => void {
  live.add(appId);
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      if (live.size === 0) return;
      const dockerode = createRequire(import.meta.url).resolve('dockerode');
      spawnSync(process.execPath, ['-e', SWEEP, dockerode, ...live], { stdio: 'ignore', timeout: 20_000 });
    });
  }
  return () => live.delete(appId);
}
