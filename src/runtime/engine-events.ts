/**
 * The engine's event stream for one app (`docker events` filtered on its label): what happens to its containers
 * and its network, whoever did it. The supervisors reconcile on these instead of polling.
 */
import readline from 'node:readline';
import { LABEL } from '../shared/labels.js';
import type { Engine } from './engine.js';
import type { Instance } from './instance.js';

/** Engine events that may leave an instance different from what it should be (exec_* of the probes: not these). */
const RECONCILE_ON = new Set(['die', 'kill', 'stop', 'destroy', 'oom', 'pause', 'unpause', 'disconnect', 'connect']);

/** Hands each event that matters to the supervisor of the instance whose container it concerns. */
export function superviseByEvents(
  docker: Engine,
  app: { appId: string; network: string },
  instances: () => readonly Instance[],
  onError: (err: Error) => void,
): Promise<() => void> {
  return followEngineEvents(
    docker,
    app,
    (e) => {
      if (RECONCILE_ON.has(e.action))
        instances()
          .find((i) => i.containerId === e.containerId)
          ?.engineEvent(e.action);
    },
    onError,
  );
}

export interface EngineEvent {
  type: 'container' | 'network';
  action: string;
  /** The container concerned (for a network event, the one connected or disconnected). */
  containerId: string;
}

/**
 * Follows the app's events until the returned function is called. Two streams: containers by the app's label,
 * and the app network by its name (the engine's network events carry no labels, so a label filter drops them).
 */
export async function followEngineEvents(
  docker: Engine,
  app: { appId: string; network: string },
  onEvent: (e: EngineEvent) => void,
  onError: (err: Error) => void,
): Promise<() => void> {
  const streams = await Promise.all([
    follow(docker, { label: [`${LABEL.app}=${app.appId}`], type: ['container'] }, onEvent, onError),
    follow(docker, { network: [app.network], type: ['network'] }, onEvent, onError),
  ]);
  return () => streams.forEach((stop) => stop());
}

async function follow(
  docker: Engine,
  filters: Record<string, string[]>,
  onEvent: (e: EngineEvent) => void,
  onError: (err: Error) => void,
): Promise<() => void> {
  const stream = (await docker.getEvents({ filters })) as NodeJS.ReadableStream & { destroy(): void };
  // The stream must not keep the process alive, as the log streams must not.
  (stream as unknown as { socket?: { unref(): void } }).socket?.unref();
  let closed = false;
  stream.on('error', (err: Error) => !closed && onError(err));
  readline.createInterface({ input: stream }).on('line', (line) => {
    let e: { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      return;
    }
    const type = e.Type === 'network' ? 'network' : e.Type === 'container' ? 'container' : undefined;
    const containerId = type === 'network' ? e.Actor?.Attributes?.container : e.Actor?.ID;
    // "exec_start: sh -c ..." and "health_status: healthy" carry their detail after a colon.
    const action = (e.Action ?? '').split(':')[0]!;
    if (type && containerId && action) onEvent({ type, action, containerId });
  });
  return () => {
    closed = true;
    stream.destroy();
  };
}
