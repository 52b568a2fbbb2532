/** startApp() on the real engine: the app answers through the router, under the sandbox, and leaves nothing behind. */
import Docker from 'dockerode';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startApp } from '../../src/app/index.js';
import { execText } from '../../src/runtime/engine.js';
import { CORPUS, ROOT } from '../helpers/paths.js';

const docker = new Docker();

it('serves examples/hello through the router under the strict read-only mode, then cleans up', async () => {
  const app = await startApp({ spec: path.join(ROOT, 'examples/hello/.do/app.yaml'), filesystem: 'read-only' });
  let appId: string;
  try {
    appId = app.appId;
    const res = await fetch(app.url('web') + 'through/router');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/hello from .* \(\/through\/router\)/);

    const [c] = await docker.listContainers({
      filters: { label: [`rehearse.app=${appId}`, 'rehearse.component=web'] },
    });
    expect(c).toBeDefined();
    const sh = async (cmd: string) => execText(docker, c!.Id, ['sh', '-c', cmd]);
    expect((await sh('touch /x')).code).not.toBe(0);
    expect((await sh('touch /tmp/x')).code).not.toBe(0);
    expect((await sh('touch /dev/shm/x')).code).toBe(0);
    const limit = await sh(
      'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes',
    );
    expect(Number(limit.stdout.trim())).toBe(512 * 1024 * 1024);
    // Published on loopback only.
    expect(c!.Ports.every((p) => !p.IP || p.IP === '127.0.0.1')).toBe(true);
  } finally {
    await app.stop();
  }
  expect(await docker.listContainers({ all: true, filters: { label: [`rehearse.app=${appId!}`] } })).toEqual([]);
  expect(await docker.listNetworks({ filters: { label: [`rehearse.app=${appId!}`] } })).toEqual([]);
});

it('rejects an invalid spec with a typed error and starts nothing', async () => {
  const before = await docker.listContainers({
    all: true,
    filters: { label: [`rehearse.owner=${process.env.REHEARSE_OWNER}`] },
  });
  await expect(startApp({ spec: path.join(CORPUS, 'invalid/03-duplicate-names.yaml') })).rejects.toMatchObject({
    code: 'SPEC_INVALID',
    location: { line: 11 },
  });
  expect(
    await docker.listContainers({ all: true, filters: { label: [`rehearse.owner=${process.env.REHEARSE_OWNER}`] } }),
  ).toHaveLength(before.length);
});

it('a second start of the same project reuses the first image whole: no layer rebuilt, no tag per run', async () => {
  const spec = path.join(ROOT, 'examples/hello/.do/app.yaml');
  const imageOf = async () => {
    const app = await startApp({ spec });
    try {
      const [c] = await docker.listContainers({ filters: { label: [`rehearse.app=${app.appId}`] } });
      return { id: c!.ImageID, project: c!.Labels['rehearse.project']! };
    } finally {
      await app.stop();
    }
  };
  const first = await imageOf();
  const second = await imageOf();
  // A label that changed per run would make a new image (and a cold cache) on every `up`.
  expect(second.id).toBe(first.id);
  const info = await docker.getImage(first.id).inspect();
  expect(info.RepoTags).toContain(`rehearse/hello-${first.project}/web:latest`);
  expect(info.Config.Labels).toMatchObject({ 'rehearse.project': first.project, 'rehearse.component': 'web' });
  expect(info.Config.Labels?.['rehearse.app']).toBeUndefined();
});
