/**
 * The multi-component fixture on the real engine: two services (b with two instances), a worker and a
 * PRE_DEPLOY job. What production enforces must hold here too.
 */
import Docker from 'dockerode';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppEvent, type RunningApp } from '../../src/app/index.js';
import { ROOT } from '../helpers/paths.js';
import { getText } from '../helpers/eventually.js';

const docker = new Docker();
let app: RunningApp;
const events: AppEvent[] = [];

beforeAll(async () => {
  app = await startApp({
    spec: path.join(ROOT, 'test/fixtures/runtime/app/.do/app.yaml'),
    onEvent: (e) => events.push(e),
  });
});
afterAll(async () => {
  await app?.stop();
});

const ipOf = async (component: string, n: number) => {
  const [c] = await docker.listContainers({
    filters: { label: [`rehearse.app=${app.appId}`, `rehearse.instance=${component}-${n}`] },
  });
  return (await docker.getContainer(c!.Id).inspect()).NetworkSettings.Networks[`rehearse-${app.appId}`]!.IPAddress;
};

describe('a multi-component app', () => {
  it('ran the PRE_DEPLOY job to completion before services started, with its output kept', () => {
    const job = events.findIndex((e) => e.type === 'job' && e.job === 'migrate' && e.code === 0);
    const start = events.findIndex((e) => e.type === 'phase' && e.phase === 'start');
    expect(job).toBeGreaterThan(-1);
    expect(job).toBeLessThan(start);
    expect(
      events.some((e) => e.type === 'log' && e.instance === 'migrate-1' && e.line === 'applied 3 migrations'),
    ).toBe(true);
  });

  it('ran the POST_DEPLOY job once the services were live and the router listened', () => {
    const job = events.findIndex(
      (e) => e.type === 'job' && e.job === 'announce' && e.kind === 'POST_DEPLOY' && e.code === 0,
    );
    const router = events.findIndex((e) => e.type === 'phase' && e.phase === 'router');
    expect(router).toBeGreaterThan(-1);
    expect(job).toBeGreaterThan(router);
  });

  it('routes to both services through the edge, stripping /back', async () => {
    expect((await getText(app.url('front') + 'x')).body).toBe('front GET /x');
    expect((await getText(app.url('back') + 'y')).body).toBe('back GET /y');
  });

  it('lets service front reach service back at http://back:PORT', async () => {
    const r = await getText(`${app.routerUrl}/call?url=${encodeURIComponent('http://back:9090/whoami')}`);
    expect(r.body).toMatch(/^200 back /);
  });

  it('refuses connections between two instances of one service', async () => {
    const b2 = await ipOf('back', 2);
    const fromB1 = await app.exec(
      'back',
      [
        'node',
        '-e',
        `require('net').connect(9090, '${b2}').on('connect', () => console.log('connected')).on('error', (e) => console.log(e.code))`,
      ],
      1,
    );
    expect(fromB1.stdout.trim()).toBe('ECONNREFUSED');
    // ...while another component still reaches that same instance.
    const fromA = await getText(`${app.routerUrl}/connect?host=${b2}&port=9090`);
    expect(fromA.body).toBe('connected');
  });

  it('gives the worker no DNS name, and services their component name', async () => {
    expect((await getText(`${app.routerUrl}/resolve?name=pinger`)).body).toBe('"ENOTFOUND"');
    expect(JSON.parse((await getText(`${app.routerUrl}/resolve?name=back`)).body)).toHaveLength(2);
  });

  it("writes to /, /tmp and /dev/shm: production's disk is writable (and wiped on restart)", async () => {
    expect((await getText(`${app.routerUrl}/write?path=/x`)).body).toBe('written');
    expect((await getText(`${app.routerUrl}/write?path=/tmp/x`)).body).toBe('written');
    expect((await getText(`${app.routerUrl}/write?path=/dev/shm/x`)).body).toBe('written');
  });

  it('limits memory to the instance size, read from inside the container', async () => {
    const read = 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes';
    expect(Number((await app.exec('front', ['sh', '-c', read])).stdout)).toBe(512 * 1048576);
    expect(Number((await app.exec('back', ['sh', '-c', read], 2)).stdout)).toBe(1024 * 1048576);
  });

  it('injects PORT = http_port', async () => {
    expect((await app.exec('back', ['sh', '-c', 'echo $PORT'])).stdout.trim()).toBe('9090');
    expect((await app.exec('front', ['sh', '-c', 'echo $PORT'])).stdout.trim()).toBe('8080');
  });
});
