/** The wiring: build examples/hello with dockerode, run it, get a 200 from the container through 127.0.0.1. */
import Docker from 'dockerode';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildComponent } from '../../src/runtime/build.js';
import { loadSpec } from '../../src/spec/index.js';
import { ROOT } from '../helpers/paths.js';

const docker = new Docker();
let container: Docker.Container | undefined;
afterAll(async () => {
  await container?.remove({ force: true });
});

it('builds examples/hello and answers 200 on $PORT', async () => {
  const { model } = loadSpec(path.join(ROOT, 'examples/hello/.do/app.yaml'));
  const web = model!.components[0]!;
  const { image, log } = await buildComponent(docker, web, { appId: 'test-wiring', timeoutSeconds: 300 });
  // Built now, or unchanged since a build of an earlier run (the same inputs are not built twice).
  expect(log.join('\n')).toMatch(/Successfully built|not rebuilt/);
  container = await docker.createContainer({
    Image: image,
    Env: web.env.map((e) => `${e.key}=${e.value}`),
    ExposedPorts: { '8080/tcp': {} },
    Labels: { 'rehearse.app': 'test-wiring', 'rehearse.owner': process.env.REHEARSE_OWNER! },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  await container.start();
  const port = (await container.inspect()).NetworkSettings.Ports['8080/tcp']![0]!.HostPort;
  let body = '';
  let status = 0;
  for (let i = 0; i < 50 && status !== 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
      status = res.status;
      body = await res.text();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  expect(status).toBe(200);
  expect(body).toMatch(/^hello from .* \(\/ping\)/);
  await docker
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined);
});
