/** Every Docker object rehearse creates is gone after down, after Ctrl-C, and after SIGKILL plus a new up. */
import Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { projectIdFor } from '../../src/app/app-id.js';
import { startApp } from '../../src/app/index.js';
import { cli, copyExample, spawnCli } from '../helpers/cli.js';

const docker = new Docker();
const objects = async (appId: string) => {
  const f = { label: [`rehearse.app=${appId}`] };
  return [
    ...(await docker.listContainers({ all: true, filters: f })).map((c) => c.Names[0]),
    ...(await docker.listNetworks({ filters: f })).map((n) => n.Name),
  ];
};
const appIdOf = async (up: ReturnType<typeof spawnCli>) => {
  await up.waitFor(/is up on .*http:\/\/127\.0\.0\.1:\d+/);
  const [c] = await docker
    .listContainers({ filters: { label: ['rehearse.component=web'] } })
    .then((l) => l.filter((x) => x.Labels['rehearse.pid'] === String(up.child.pid)));
  return c!.Labels['rehearse.app']!;
};

it('down removes every container and network of the app', async () => {
  const dir = copyExample('hello');
  const up = spawnCli(['up', '--port', '0'], dir);
  try {
    const appId = await appIdOf(up);
    expect((await objects(appId)).length).toBeGreaterThan(0);
    const down = cli(['down', '-t', '0'], dir);
    expect(down.status).toBe(0);
    expect(await objects(appId)).toEqual([]);
  } finally {
    up.child.kill('SIGKILL');
  }
});

it('Ctrl-C (SIGINT) stops the instances gracefully and removes everything', async () => {
  const dir = copyExample('hello');
  const up = spawnCli(['up', '--port', '0'], dir);
  const appId = await appIdOf(up);
  up.child.kill('SIGINT');
  expect(await up.exited).toBe(0);
  expect(up.output()).toMatch(/stopped; every container and network removed/);
  expect(await objects(appId)).toEqual([]);
});

it('after SIGKILL, the next up reaps what the dead session left', async () => {
  const dir = copyExample('hello');
  const up = spawnCli(['up', '--port', '0'], dir);
  const appId = await appIdOf(up);
  up.child.kill('SIGKILL');
  await up.exited;
  expect((await objects(appId)).length).toBeGreaterThan(0); // the dead session could not clean up
  const again = await startApp({ spec: path.join(dir, '.do/app.yaml') });
  expect(await objects(appId)).toEqual([]); // reaped before the new app started
  expect((await fetch(again.routerUrl)).status).toBe(200);
  await again.stop();
  expect(await objects(appId)).toEqual([]);
});

it('a Ctrl-C the moment the app comes up still stops it and removes everything', async () => {
  const dir = copyExample('hello');
  const up = spawnCli(['up', '--port', '0'], dir);
  await up.waitFor(/ is up on /, 120_000);
  up.child.kill('SIGINT');
  expect(await up.exited).toBe(0);
  const left = await docker.listContainers({ all: true, filters: { label: ['rehearse.component=web'] } });
  expect(left.filter((c) => c.Labels['rehearse.pid'] === String(up.child.pid))).toEqual([]);
});

it("the orphan sweep never removes another user's or another machine's app, whatever its pid means here", async () => {
  const dir = copyExample('hello');
  const project = projectIdFor(path.join(dir, '.do/app.yaml'));
  const gone = spawnSync('true').pid!; // a pid no process holds on this machine any more
  // A teammate's live app of the same project on a shared engine, and the same user's app on a CI box.
  const foreign = [
    { owner: 'alice@laptop', host: 'laptop' },
    { owner: process.env.REHEARSE_OWNER ?? 'me', host: 'ci-box' },
  ];
  const nets = await Promise.all(
    foreign.map((f, i) =>
      docker.createNetwork({
        Name: `rehearse-foreign-${project}-${i}`,
        Labels: {
          'rehearse.app': `foreign-${project}-${i}`,
          'rehearse.project': project,
          'rehearse.owner': f.owner,
          'rehearse.host': f.host,
          'rehearse.pid': String(gone),
        },
      }),
    ),
  );
  try {
    const app = await startApp({ spec: path.join(dir, '.do/app.yaml') }); // sweeps the project's orphans
    await app.stop();
    for (const n of nets) expect((await n.inspect()).Labels?.['rehearse.host']).toMatch(/laptop|ci-box/);
  } finally {
    await Promise.all(nets.map((n) => n.remove().catch(() => undefined)));
  }
});
