/** The Docker engine, reached through dockerode. One client per app; no module singletons. */
import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { RehearseError } from '../shared/errors.js';

export type Engine = Docker;

export async function connectEngine(): Promise<Engine> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (cause) {
    throw new RehearseError(
      'ENGINE_UNREACHABLE',
      'no Docker engine answers on ' + (process.env.DOCKER_HOST ?? '/var/run/docker.sock'),
      {
        cause,
        hint: 'start Docker Desktop or your engine ("sudo systemctl start docker"); in a clone of rehearse, "npm run engine" starts one',
      },
    );
  }
  return docker;
}

/** Runs a command in a running container and returns its stdout (stderr dropped), bounded in time. */
export async function execText(
  docker: Engine,
  containerId: string,
  cmd: string[],
  timeoutMs = 5000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const o = new PassThrough().on('data', (b: Buffer) => out.push(b));
  const e = new PassThrough().on('data', (b: Buffer) => err.push(b));
  docker.modem.demuxStream(stream, o, e);
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      stream.destroy();
      resolve();
    }, timeoutMs);
    stream.on('end', () => (clearTimeout(t), resolve()));
    stream.on('close', () => (clearTimeout(t), resolve()));
  });
  const info = await exec.inspect();
  return { code: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
