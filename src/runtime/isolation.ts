/**
 * Instances of one service cannot reach each other on App Platform (seed 004: Erlang distribution fails), while
 * other components reach them by name. All instances share the app network, so each instance gets firewall rules
 * in its own network namespace that refuse its siblings (TCP reset: "connection refused"). The rules are set by a
 * short-lived helper joined to the instance's namespace with NET_ADMIN; the app container itself gets no
 * capability, and the Docker socket is mounted nowhere. Works the same wherever the engine runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appLabels, LABEL } from '../shared/labels.js';
import type { Engine } from './engine.js';
import { demuxBuffer } from './logs.js';

export const NETADMIN_IMAGE = 'rehearse/netadmin:1';

/** Builds the helper image (Debian's iptables on the local debian:bookworm-slim) once per engine. */
export async function ensureNetadmin(docker: Engine): Promise<void> {
  if (
    await docker
      .getImage(NETADMIN_IMAGE)
      .inspect()
      .then(
        () => true,
        () => false,
      )
  )
    return;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rehearse-netadmin-'));
  await writeFile(
    path.join(dir, 'Dockerfile'),
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends iptables && rm -rf /var/lib/apt/lists/*\nLABEL rehearse.tool=netadmin\n',
  );
  const stream = await docker.buildImage(
    { context: dir, src: ['Dockerfile'] },
    { t: NETADMIN_IMAGE, rm: true, forcerm: true },
  );
  void rm(dir, { recursive: true, force: true });
  const out = await new Promise<{ error?: string }[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, res: { error?: string }[]) =>
      err ? reject(err) : resolve(res),
    ),
  );
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(`could not build the isolation helper ${NETADMIN_IMAGE}: ${failed.error}`);
}

/** Each instance refuses new TCP connections from every sibling's address on the app network. */
export async function isolateSiblings(
  docker: Engine,
  network: string,
  containerIds: string[],
  appId: string,
): Promise<void> {
  if (containerIds.length < 2) return;
  await ensureNetadmin(docker);
  const ips = new Map<string, string>();
  for (const id of containerIds) {
    const info = await docker.getContainer(id).inspect();
    const ip = info.NetworkSettings.Networks[network]?.IPAddress;
    if (ip) ips.set(id, ip);
  }
  await Promise.all(
    containerIds.map(async (id) => {
      const others = containerIds
        .filter((o) => o !== id)
        .map((o) => ips.get(o))
        .filter((x): x is string => !!x);
      const script = others
        .flatMap((ip) => [
          // Only new connections (SYN) are refused: a rule on every reply would also eat the sibling's reset.
          `iptables -C INPUT -s ${ip} -p tcp --syn -j REJECT --reject-with tcp-reset 2>/dev/null || iptables -I INPUT -s ${ip} -p tcp --syn -j REJECT --reject-with tcp-reset`,
          `iptables -C INPUT -s ${ip} -p icmp --icmp-type echo-request -j DROP 2>/dev/null || iptables -I INPUT -s ${ip} -p icmp --icmp-type echo-request -j DROP`,
        ])
        .join(' && ');
      const helper = await docker.createContainer({
        Image: NETADMIN_IMAGE,
        Cmd: ['sh', '-c', script],
        Labels: { ...appLabels(appId), [LABEL.kind]: 'helper' },
        HostConfig: { NetworkMode: `container:${id}`, CapAdd: ['NET_ADMIN', 'NET_RAW'], AutoRemove: false },
      });
      try {
        const done = helper.wait({ condition: 'next-exit' });
        await helper.start();
        const { StatusCode } = (await done) as { StatusCode: number };
        if (StatusCode !== 0) {
          const logs = demuxBuffer(await helper.logs({ stdout: true, stderr: true }));
          throw new Error(`isolating replicas failed (exit ${StatusCode}): ${logs.slice(-500)}`);
        }
      } finally {
        await helper.remove({ force: true }).catch(() => undefined);
      }
    }),
  );
}
