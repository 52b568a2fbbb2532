import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../src/profile/profile.js';
import { containerOptions } from '../../../src/runtime/container-config.js';
import { explainListeners, parseProcNetTcp } from '../../../src/runtime/listening.js';
import { loadSpecText } from '../../../src/spec/index.js';

const spec = `name: app
services:
  - name: web
    github: {repo: a/b}
    dockerfile_path: Dockerfile
    instance_size_slug: apps-s-1vcpu-2gb
    run_command: gunicorn app:app
workers:
  - name: jobs
    github: {repo: a/b}
    dockerfile_path: Dockerfile
`;

describe('containerOptions', () => {
  const model = loadSpecText('/r/.do/app.yaml', spec).model!;
  const profile = loadProfile('digitalocean');
  const id = { appId: 'app-1', project: 'p1', session: 's', network: 'net', image: 'img', index: 1 };
  const web = containerOptions(model.components[0]!, profile, id);
  const worker = containerOptions(model.components[1]!, profile, id);
  it("applies the sandbox: production's writable disk, /dev/shm, memory and CPU of the size, pids, no-new-privileges", () => {
    expect(web.HostConfig).toMatchObject({
      ReadonlyRootfs: false,
      Memory: 2048 * 1048576,
      NanoCpus: 1e9,
      PidsLimit: 1024,
    });
    expect(web.HostConfig?.SecurityOpt?.[0]).toBe('no-new-privileges:true');
    expect(web.HostConfig?.ShmSize).toBeGreaterThan(0);
    expect(web.HostConfig?.Tmpfs).toEqual({});
  });
  it('--filesystem read-only: a read-only root, only the listed folders writable', () => {
    const strict = {
      ...profile,
      filesystem: { ...profile.filesystem, mode: 'read-only' as const, writable: ['/dev/shm', '/tmp'] },
    };
    const o = containerOptions(model.components[0]!, strict, id);
    expect(o.HostConfig?.ReadonlyRootfs).toBe(true);
    expect(Object.keys(o.HostConfig?.Tmpfs ?? {})).toEqual(['/tmp']);
  });
  it('publishes the http_port on 127.0.0.1 only, and nothing for workers', () => {
    expect(web.HostConfig?.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(worker.HostConfig?.PortBindings).toEqual({});
  });
  it('gives services a DNS alias equal to their name, and workers none', () => {
    expect(web.NetworkingConfig?.EndpointsConfig?.net?.Aliases).toEqual(['web']);
    expect(worker.NetworkingConfig?.EndpointsConfig?.net?.Aliases).toEqual([]);
  });
  it('injects PORT, labels every container, and lets run_command replace CMD', () => {
    expect(web.Env).toContain('PORT=8080');
    expect(web.Labels).toMatchObject({
      'rehearse.app': 'app-1',
      'rehearse.component': 'web',
      'rehearse.instance': 'web-1',
    });
    expect(web.Cmd).toEqual(['/bin/sh', '-c', 'gunicorn app:app']);
  });
  it('the ephemeral filesystem mode makes the root writable', () => {
    const eph = containerOptions(
      model.components[0]!,
      { ...profile, filesystem: { ...profile.filesystem, mode: 'ephemeral' } },
      id,
    );
    expect(eph.HostConfig?.ReadonlyRootfs).toBe(false);
  });
});

describe('what a container listens on', () => {
  const proc = `  sl  local_address rem_address   st
   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2
   2: 0100007F:9C40 0100007F:1F40 01 00000000:00000000 00:00000000 00000000     0        0 3`;
  it('parses LISTEN sockets from /proc/net/tcp', () =>
    expect(parseProcNetTcp(proc)).toEqual([
      { address: '127.0.0.1', port: 8000 },
      { address: '0.0.0.0', port: 8080 },
    ]));
  it('explains a loopback bind and a wrong port', () => {
    expect(explainListeners('web', 8000, [{ address: '127.0.0.1', port: 8000 }])).toMatch(
      /listens on 127.0.0.1:8000.*bind 0.0.0.0:8000/,
    );
    expect(explainListeners('web', 8080, [{ address: '0.0.0.0', port: 8000 }])).toMatch(
      /listens on 0.0.0.0:8000, but the platform sends traffic to 0.0.0.0:8080 \(\$PORT\)/,
    );
    expect(explainListeners('web', 8080, [{ address: '::', port: 8080 }])).toBeUndefined();
  });
});

describe('the seccomp profile', () => {
  const profile = loadProfile('digitalocean');
  const id = { appId: 'a', project: 'p', session: 's', network: 'n', image: 'i', index: 1 };
  const rules = (runCommand: string | undefined, imageCommand?: string[]) => {
    const m = loadSpecText(
      '/r/.do/app.yaml',
      `name: app\nservices:\n  - name: web\n    github: {repo: a/b}\n    dockerfile_path: Dockerfile\n${runCommand ? `    run_command: ${runCommand}\n` : ''}`,
    ).model!;
    const opt = containerOptions(m.components[0]!, profile, {
      ...id,
      ...(imageCommand ? { imageCommand } : {}),
    }).HostConfig!.SecurityOpt!.find((s: string) => s.startsWith('seccomp='))!;
    return (JSON.parse(opt.slice('seccomp='.length)) as { syscalls: { names: string[]; args?: unknown[] }[] }).syscalls;
  };
  const heartbeat = (r: ReturnType<typeof rules>) => r.find((s) => s.names[0] === 'fchmod');
  it("keeps Docker's default denials (namespaces, mounts, keyrings) whatever the command", () => {
    const names = rules('node server.js').map((s) => s.names[0]);
    expect(names).toEqual(expect.arrayContaining(['unshare', 'mount', 'keyctl', 'setns', 'clone', 'clone3']));
  });
  it("refuses gunicorn's heartbeat modes (fchmod to 0 or 1) unless the heartbeat is kept off the disk", () => {
    expect(heartbeat(rules('gunicorn app:app'))).toMatchObject({
      args: [{ index: 1, value: 0o7776, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    });
    expect(heartbeat(rules(undefined, ['python3', '-m', 'gunicorn', 'app:app']))).toBeDefined();
    expect(heartbeat(rules('gunicorn --worker-tmp-dir /dev/shm app:app'))).toBeUndefined();
    expect(heartbeat(rules(undefined, ['gunicorn', '-c', 'gunicorn.conf.py', 'app:app']))).toBeUndefined();
  });
});
