/** The router's port is held from the start: a taken one fails the deploy before anything is built. */
import Docker from 'dockerode';
import net from 'node:net';
import path from 'node:path';
import { expect, it } from 'vitest';
import { projectIdFor } from '../../src/app/app-id.js';
import { startApp } from '../../src/app/index.js';
import { copyExample } from '../helpers/cli.js';

it('fails at once, building nothing, when the router port is taken', async () => {
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const port = (squatter.address() as net.AddressInfo).port;
  const dir = copyExample('hello');
  const spec = path.join(dir, '.do/app.yaml');
  const events: string[] = [];
  try {
    await expect(startApp({ spec, port, onEvent: (e) => events.push(e.type) })).rejects.toMatchObject({
      code: 'USAGE',
      message: `port ${port} on 127.0.0.1 is in use`,
      hint: expect.stringContaining(`--port ${port + 1}`),
    });
  } finally {
    squatter.close();
  }
  expect(events).not.toContain('build-line');
  expect(events).not.toContain('phase');
  const docker = new Docker();
  const ours = { label: [`rehearse.project=${projectIdFor(spec)}`] };
  expect(await docker.listContainers({ all: true, filters: ours })).toEqual([]);
  expect(await docker.listNetworks({ filters: ours })).toEqual([]);
  expect(await docker.listImages({ filters: ours })).toEqual([]);
});
