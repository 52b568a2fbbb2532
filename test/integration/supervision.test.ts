/**
 * The supervisor repairs what happens to an instance outside rehearse, each within seconds, on real containers:
 * removed, killed, paused (a hung app: the liveness check restarts it), disconnected from the network (its
 * published port moves), and two restarts at once (issue 17).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppEvent, type RunningApp } from '../../src/app/index.js';
import { eventually, getText } from '../helpers/eventually.js';
import { containerOf, docker, twoInstanceHello } from '../helpers/supervised.js';

let app: RunningApp;
const events: AppEvent[] = [];
beforeAll(async () => {
  app = await startApp({ spec: twoInstanceHello(), onEvent: (e) => events.push(e) });
});
afterAll(() => app?.stop());

const instance = (name: string) => app.instances().find((i) => i.name === name)!;
/** Both instances live, each answering on the port the router dials. */
const bothLive = () =>
  eventually(
    async () => {
      for (const name of ['web-1', 'web-2']) {
        const i = instance(name);
        expect(i.state, name).toBe('live');
        expect((await getText(i.url + '/healthz', 2000)).status).toBe(200);
      }
      expect((await getText(app.url('web'))).status).toBe(200);
    },
    10_000,
    100,
  );

describe('supervision', () => {
  it('replaces an instance removed with docker rm -f', async () => {
    const old = (await containerOf(app.appId, 'web-1'))!;
    await old.remove({ force: true });
    const t0 = Date.now();
    await bothLive();
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(instance('web-1').containerId).not.toBe(old.id);
  });

  it('restarts a killed instance at once, and says it was killed from outside', async () => {
    await (await containerOf(app.appId, 'web-2'))!.kill();
    await bothLive();
    const crash = events.findLast((e) => e.type === 'crash' && e.diagnosis.instance === 'web-2');
    expect(crash?.type === 'crash' && crash.diagnosis.summary).toMatch(/from outside rehearse/);
  });

  it('reconnects an instance disconnected from the app network and follows its published port', async () => {
    const c = (await containerOf(app.appId, 'web-1'))!;
    await docker.getNetwork(`rehearse-${app.appId}`).disconnect({ Container: c.id, Force: true });
    await bothLive();
    const info = await c.inspect();
    expect(Object.keys(info.NetworkSettings.Networks)).toContain(`rehearse-${app.appId}`);
    expect(instance('web-1').url).toBe(`http://127.0.0.1:${info.NetworkSettings.Ports['8080/tcp']![0]!.HostPort}`);
  });

  it('takes a paused instance out of the router at once, and its liveness check restarts it', async () => {
    const c = (await containerOf(app.appId, 'web-2'))!;
    await c.pause();
    await eventually(() => expect(instance('web-2').state).not.toBe('live'), 3000, 50);
    // Meanwhile the other instance serves every request.
    for (let k = 0; k < 5; k++) expect((await getText(app.url('web'), 3000)).status).toBe(200);
    await bothLive();
    expect(instance('web-2').containerId).not.toBe(c.id); // restarted as the platform does: a fresh container
    expect(instance('web-2').history.at(-1)?.summary).toMatch(/failed its liveness check/);
  });

  it('two restarts at once both end with the app serving', async () => {
    await Promise.all([app.restart('web'), app.restart('web')]);
    await bothLive();
  });
});
