/** A second Ctrl-C: every container and network of the app removed at once (SIGKILL), without a grace period. */
import { internals } from './internals.js';
import type { RunningApp } from './types.js';

export async function killApp(app: RunningApp): Promise<void> {
  await internals.get(app)?.runtime.remove();
}
