/**
 * The local disk's cap: production marks an instance whose disk is full as unhealthy and replaces it (limits
 * page, app-platform.md 2.6). The engine reports what an instance wrote (its container layer, SizeRw) when
 * asked for sizes; computing that walks the layer's files, so it is asked every few seconds, not continuously:
 * a fast writer can overshoot the cap by what it writes in one interval before it is replaced.
 */
import type Docker from 'dockerode';
import type { Engine } from './engine.js';

export const DISK_CHECK_MS = 5000;

export interface DiskWatch {
  stop(): void;
}

/** Calls onFull once, with the MiB written, when the container has written more than limitMib. */
export function watchDisk(
  docker: Engine,
  containerId: string,
  limitMib: number,
  onFull: (usedMib: number) => void,
  trace?: (message: string) => void,
  everyMs = DISK_CHECK_MS,
): DiskWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      // dockerode passes the options as the query (?size=true); its types do not list this one.
      const options = { size: true } as unknown as Parameters<Docker.Container['inspect']>[0];
      const info = (await docker.getContainer(containerId).inspect(options)) as { SizeRw?: number };
      const used = (info.SizeRw ?? 0) / 1048576;
      if (!stopped && used > limitMib) return onFull(used);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return; // the container is gone: nothing to watch
      trace?.(`reading the disk use of ${containerId.slice(0, 12)} failed: ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), everyMs).unref();
  };
  // unref: a watch never keeps the process alive on its own (a CLI that failed must still exit).
  timer = setTimeout(() => void tick(), everyMs).unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export const diskFullSummary = (instance: string, usedMib: number, limitMib: number) =>
  `${instance} filled its local disk (${Math.round(usedMib)} MiB written, the platform's cap is ${limitMib} MiB): production marks it unhealthy and replaces it with an empty disk, as rehearse just did. Keep files out of the local disk (object storage such as Spaces for uploads, stdout for logs) and remove temporary files when done.`;
