/**
 * What an instance size slug the profile does not list was probably meant to be, by memory and CPU rather than by
 * spelling: "basic-xl" is one letter from "basic-xs" but asks for sixteen times its memory.
 */
import type { InstanceSize, Profile } from '../profile/profile.js';
import { distance } from './diagnostics.js';

/** The legacy T-shirt ladder (basic-xxs ... professional-xl): each step up doubles the memory. */
const STEPS = ['xxs', 'xs', 's', 'm', 'l', 'xl', 'xxl', 'xxxl'];

export interface SizeWish {
  memory_mib?: number;
  cpus?: number;
  cpu_type?: InstanceSize['cpu_type'];
  /** How the wish was read, for the message: "16 GiB", "the basic ladder's step after basic-m". */
  reading: string;
}

export const mib = (m: number) => (m >= 1024 ? `${m / 1024} GiB` : `${m} MiB`);
export const describeSize = (s: InstanceSize) =>
  `${s.slug} (${mib(s.memory_mib)}, ${s.cpus} ${s.cpu_type} vCPU${s.cpus > 1 ? 's' : ''}, $${s.usd_per_month} a month)`;

/** The memory, CPUs and CPU type a slug names, read from its parts ("apps-s-1vcpu-512mb", "basic-xl"). */
export function readSlug(slug: string, profile: Profile): SizeWish | undefined {
  const lower = slug.toLowerCase();
  const cpus = /(\d+)\s*v?cpus?/.exec(lower);
  const memory = /(\d+(?:\.\d+)?)\s*(gib|gb|g|mib|mb|m)(?![a-z])/.exec(lower.replace(/(\d+)\s*v?cpus?/, ''));
  const cpuType = /^apps-d-/.test(lower) ? 'dedicated' : /^apps-s-/.test(lower) ? 'shared' : undefined;
  if (cpus || memory) {
    const memory_mib = memory ? Number(memory[1]) * (memory[2]!.startsWith('g') ? 1024 : 1) : undefined;
    const parts = [memory_mib && mib(memory_mib), cpus && `${cpus[1]} vCPU`].filter(Boolean).join(' and ');
    return {
      ...(memory_mib ? { memory_mib } : {}),
      ...(cpus ? { cpus: Number(cpus[1]) } : {}),
      ...(cpuType ? { cpu_type: cpuType } : {}),
      reading: `"${slug}" names ${parts}`,
    };
  }
  const tshirt = /^([a-z]+)-(x*[sl]|m)$/.exec(lower);
  if (!tshirt) return undefined;
  const [, family, step] = tshirt;
  const ladder = profile.instance_sizes
    .map((s) => ({ s, i: STEPS.indexOf(s.slug.slice(family!.length + 1)) }))
    .filter(({ s, i }) => s.slug.startsWith(`${family}-`) && i >= 0)
    .sort((a, b) => a.i - b.i);
  const want = STEPS.indexOf(step!);
  const top = ladder.at(-1);
  if (!top || want < 0) return undefined;
  const below = [...ladder].reverse().find(({ i }) => i <= want) ?? ladder[0]!;
  const memory_mib = below.s.memory_mib * 2 ** (want - below.i);
  return {
    memory_mib,
    reading:
      want > top.i
        ? `the ${family} sizes end at ${top.s.slug} (${mib(top.s.memory_mib)}), and each step up doubles the memory, so ${slug} reads as ${mib(memory_mib)}`
        : `${slug} reads as ${mib(memory_mib)}, the step of the ${family} sizes it names`,
  };
}

/**
 * The current (not deprecated) size nearest a wish: memory first, then CPUs and CPU type; among equals, the one
 * spelled closest to what was written, then the cheaper.
 */
export function nearestSize(
  profile: Profile,
  wish: SizeWish,
  options: { scalableOnly?: boolean; written?: string } = {},
): InstanceSize | undefined {
  const score = (s: InstanceSize) =>
    (wish.memory_mib ? Math.abs(Math.log2(s.memory_mib / wish.memory_mib)) * 4 : 0) +
    (wish.cpus ? Math.abs(Math.log2(s.cpus / wish.cpus)) * 2 : 0) +
    (wish.cpu_type && wish.cpu_type !== s.cpu_type ? 1 : 0);
  const spelling = (s: InstanceSize) => (options.written ? distance(options.written, s.slug) : 0);
  return profile.instance_sizes
    .filter((s) => !s.deprecated && (!options.scalableOnly || !s.single_instance_only))
    .sort((a, b) => score(a) - score(b) || spelling(a) - spelling(b) || a.usd_per_month - b.usd_per_month)[0];
}
