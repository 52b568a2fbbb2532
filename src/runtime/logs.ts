/** Demuxed container logs, split into lines, with a ring buffer per instance for diagnoses. Secrets are masked. */
import { PassThrough } from 'node:stream';
import readline from 'node:readline';
import type { Engine } from './engine.js';

export type LogSink = (line: string, stream: 'stdout' | 'stderr') => void;

export class LogTail {
  private lines: string[] = [];
  constructor(private readonly max = 200) {}
  push(line: string) {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  last(n = 30) {
    return this.lines.slice(-n);
  }
}

export function masker(secrets: string[]): (s: string) => string {
  const values = secrets.filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0) return (s) => s;
  return (s) => values.reduce((acc, v) => acc.split(v).join('******'), s);
}

/** Follows a container's output from `since` (unix seconds); resolves when attached. */
export async function followLogs(docker: Engine, containerId: string, since: number, sink: LogSink): Promise<void> {
  const stream = (await docker
    .getContainer(containerId)
    .logs({ follow: true, stdout: true, stderr: true, since })) as unknown as NodeJS.ReadableStream & {
    destroy(): void;
  };
  // Log streams must not keep the process alive (the testcontainers lesson).
  (stream as unknown as { socket?: { unref(): void } }).socket?.unref();
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  stream.on('end', () => (out.end(), err.end()));
  stream.on('error', () => (out.end(), err.end()));
  readline.createInterface({ input: out }).on('line', (l) => sink(l, 'stdout'));
  readline.createInterface({ input: err }).on('line', (l) => sink(l, 'stderr'));
}

/** Non-follow logs of a non-TTY container come as one buffer of frames: [stream, 0, 0, 0, size(4)] + payload. */
export function demuxBuffer(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
