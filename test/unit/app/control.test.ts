/** The session's control endpoint on a real loopback socket: what a `restart` from another terminal is told. */
import { expect, it } from 'vitest';
import { callControl, startControl } from '../../../src/app/control.js';
import type { SessionInfo } from '../../../src/app/session.js';
import type { RunningApp } from '../../../src/app/types.js';
import { RehearseError } from '../../../src/shared/errors.js';

it("passes the failure's own code on: an instance that never got live is HEALTH_FAILED, not a usage error", async () => {
  const app = {
    restart: () =>
      Promise.reject(
        new RehearseError('HEALTH_FAILED', 'web-1 exited with code 1', { hint: 'read its log', details: 'boom' }),
      ),
  } as unknown as RunningApp;
  const control = await startControl(app, () => undefined);
  try {
    const session = { control: { port: control.port, token: control.token } } as SessionInfo;
    const err = await callControl(session, '/restart?component=web').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HEALTH_FAILED', message: 'web-1 exited with code 1', hint: 'read its log' });
    expect((err as RehearseError).details).toBe('boom');
  } finally {
    control.close();
  }
});

it('keeps USAGE for what a caller got wrong', async () => {
  const app = {
    restart: () => Promise.reject(new RehearseError('USAGE', 'no component "nope"', { hint: 'components: web' })),
  } as unknown as RunningApp;
  const control = await startControl(app, () => undefined);
  try {
    const session = { control: { port: control.port, token: control.token } } as SessionInfo;
    await expect(callControl(session, '/restart?component=nope')).rejects.toMatchObject({ code: 'USAGE' });
  } finally {
    control.close();
  }
});
