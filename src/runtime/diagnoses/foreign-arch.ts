/**
 * Catalog class 8: an image whose program is built for another CPU, most often arm64 from a laptop with Apple
 * silicon, on production's linux/amd64. App Platform fails the deploy with
 * "starting container: starting sub-container [/app/bin/server]: creating process: failed to load
 * /app/bin/server: exec format error" (dart-frog-dev/dart_frog#297); runc says "exec /app/bin/server: exec format
 * error". The ELF header of the program names the architecture it was built for.
 */
import type { Engine } from '../engine.js';

/** ELF e_machine values (System V ABI, and each processor's supplement). */
const MACHINES: Record<number, string> = {
  0x03: 'i386',
  0x08: 'mips',
  0x14: 'ppc',
  0x15: 'ppc64',
  0x16: 's390x',
  0x28: 'arm (32-bit)',
  0x3e: 'amd64',
  0xb7: 'arm64 (aarch64)',
  0xf3: 'riscv64',
};

/** The program a container could not exec, from runc's or gVisor's wording. */
export function unexecutable(lines: readonly string[]): string | undefined {
  for (const l of lines) {
    const m = /(?:exec|failed to load) (\/\S+?):? exec format error/i.exec(l);
    if (m) return m[1];
  }
  return undefined;
}

/** The architecture an ELF file was built for, from its first 20 bytes; undefined when it is not ELF. */
export function elfMachine(head: Buffer): string | undefined {
  if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  return MACHINES[machine] ?? `ELF machine 0x${machine.toString(16)}`;
}

/** The first bytes of a file in a (stopped) container, through the engine's archive API (a tar stream). */
async function head(docker: Engine, containerId: string, file: string): Promise<Buffer | undefined> {
  const stream = (await docker.getContainer(containerId).getArchive({ path: file })) as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= 512 + 20) break; // the tar header, then the file's first bytes
  }
  (stream as unknown as { destroy?(): void }).destroy?.();
  const tar = Buffer.concat(chunks);
  return tar[156] === 0x30 || tar[156] === 0 ? tar.subarray(512, 512 + 20) : undefined; // a regular file
}

/**
 * The summary for an instance that could not exec its program, naming the architecture it was built for and
 * production's wording; undefined when the logs show no exec format error.
 */
export async function foreignArchSummary(
  docker: Engine,
  containerId: string,
  instance: string,
  lines: readonly string[],
): Promise<string | undefined> {
  const program = unexecutable(lines);
  if (!program) return undefined;
  const arch = await head(docker, containerId, program).then(
    (h) => (h ? elfMachine(h) : undefined),
    () => undefined,
  );
  const built = arch && arch !== 'amd64' ? `is built for ${arch}` : 'is not a linux/amd64 program';
  return `${instance} cannot start: ${program} ${built}, and production runs linux/amd64 (DigitalOcean App Platform: "creating process: failed to load ${program}: exec format error"). Build the image for production's CPU: docker buildx build --platform linux/amd64 (or build or download the program for amd64 in the Dockerfile).`;
}
