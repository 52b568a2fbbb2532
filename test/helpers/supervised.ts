/** A two-instance copy of examples/hello with a short grace and liveness window, for supervision and chaos tests. */
import Docker from 'dockerode';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyExample } from './cli.js';

export const docker = new Docker();

export function twoInstanceHello(): string {
  const dir = copyExample('hello');
  writeFileSync(
    path.join(dir, '.do/app.yaml'),
    `name: hello
services:
  - name: web
    github: { repo: example/hello, branch: main }
    dockerfile_path: Dockerfile
    http_port: 8080
    instance_size_slug: apps-s-1vcpu-1gb
    instance_count: 2
    health_check: { http_path: /healthz }
    # A short window so a hung instance is restarted within seconds (the platform's default is 5 + 18 x 10 s).
    liveness_health_check: { http_path: /healthz, initial_delay_seconds: 0, period_seconds: 1, failure_threshold: 3 }
    termination: { drain_seconds: 1, grace_period_seconds: 1 }
    routes: [{ path: / }]
`,
  );
  return path.join(dir, '.do/app.yaml');
}

/** The container running an instance now (it changes when one is replaced). */
export async function containerOf(appId: string, instance: string) {
  const [c] = await docker.listContainers({
    all: true,
    filters: { label: [`rehearse.app=${appId}`, `rehearse.instance=${instance}`] },
  });
  return c ? docker.getContainer(c.Id) : undefined;
}
