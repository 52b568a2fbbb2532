/**
 * A platform profile: what production enforces, as data (sandbox/*.yaml). Adding a platform means adding a
 * profile file, not code paths. Users can point `--platform` at their own file; it is validated like a spec.
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { RehearseError } from '../shared/errors.js';

// Built on first use: a CLI start that finds its profile compiled (below) never validates one, and building the
// schema costs ~4 ms of such a start.
const schemas = () => {
  const seconds = z.number().nonnegative();
  const InstanceSize = z.strictObject({
    slug: z.string(),
    memory_mib: z.number().int().positive(),
    cpus: z.number().positive(),
    cpu_type: z.enum(['shared', 'dedicated']),
    usd_per_month: z.number().nonnegative(),
    single_instance_only: z.boolean().default(false),
    deprecated: z.boolean().default(false),
  });

  const Check = z.strictObject({
    initial_delay_seconds: seconds,
    period_seconds: seconds,
    timeout_seconds: seconds,
    success_threshold: z.number().int().positive(),
    failure_threshold: z.number().int().positive(),
  });
  const ProfileSchema = z.strictObject({
    name: z.string(),
    title: z.string(),
    filesystem: z.strictObject({
      mode: z.enum(['read-only', 'ephemeral']),
      writable: z.array(z.string()),
      shm_size_mib: z.number().int().positive(),
      ephemeral_limit_mib: z.number().int().positive(),
    }),
    /** System calls the platform's sandbox refuses, applied as seccomp rules (src/runtime/seccomp.ts). */
    sandbox: z
      .strictObject({
        syscalls: z.array(
          z.strictObject({
            name: z.string(),
            errno: z.enum(['EPERM', 'EACCES', 'ENOSYS']),
            /** Only when (argument[index] & mask) === equals; without it, every call. */
            when: z
              .strictObject({ arg: z.number().int().min(0).max(5), mask: z.number().int(), equals: z.number().int() })
              .optional(),
            /**
             * A regular expression: the rule is left out for an instance whose command (run_command, else the
             * image's ENTRYPOINT and CMD) or environment matches it.
             */
            unless_command_matches: z.string().optional(),
            why: z.string(),
          }),
        ),
      })
      .default({ syscalls: [] }),
    port: z.strictObject({ env: z.string(), default_http_port: z.number().int().min(1).max(65535) }),
    network: z.strictObject({
      dns_by_component_name: z.boolean(),
      instances_reach_each_other: z.boolean(),
      workers_have_dns: z.boolean(),
    }),
    process: z.strictObject({ pids_limit: z.number().int().positive(), no_new_privileges: z.boolean() }),
    health: Check,
    /** The restart-on-failure check; absent on a platform that runs none (then a hung instance stays hung). */
    liveness: Check.optional(),
    termination: z.strictObject({ drain_seconds: seconds, grace_period_seconds: seconds }),
    build: z.strictObject({ timeout_seconds: seconds }),
    jobs: z.strictObject({ timeout_seconds: seconds }),
    router: z.strictObject({
      mode: z.enum(['buffering', 'streaming']),
      request_timeout_seconds: seconds,
      request_timeout_status: z.number().int(),
      request_timeout_code: z.string(),
      first_byte_timeout_seconds: seconds,
      idle_timeout_seconds: seconds,
      max_request_body_mib: z.number().positive(),
      max_header_bytes: z.number().int().positive(),
      response_buffer_kib: z.number().nonnegative(),
      /** gzip for clients that accept it, as a CDN in front does. */
      compress: z.boolean().default(false),
    }),
    /** The request as production's edge hands it to the app; absent: the client's Host and scheme pass on. */
    edge_request: z
      .strictObject({
        /** The app's domain when the spec names none: `{app}` and `{hash}` are filled in. */
        default_domain: z.string(),
        /** X-Forwarded-Proto: the scheme production's edge accepts requests on. */
        scheme: z.enum(['http', 'https']),
        /** The platform's own header with the client's address, set by the edge, a client's copy dropped. */
        client_ip_header: z.string().optional(),
        /** Request headers only the edge may set (beyond Host, X-Forwarded-*, Forwarded, X-Real-IP). */
        owned_headers: z.array(z.string()).default([]),
      })
      .optional(),
    default_instance_size: z.string(),
    instance_sizes: z.array(InstanceSize).min(1),
    /**
     * Database engines the platform offers as a dev (non-production) database, in the spec's engine names.
     * Absent: the profile does not say, and no spec check reads it.
     */
    dev_database_engines: z.array(z.string()).optional(),
    /** The managed databases a spec's `databases:` get; a profile without this section runs none. */
    databases: z
      .strictObject({
        port: z.number().int(),
        pool_port: z.number().int(),
        redis_tls_port: z.number().int(),
        admin_user: z.string(),
        default_database: z.string(),
        connections_per_gib: z.number().int().positive(),
        reserved_connections: z.number().int().nonnegative(),
        default_node_gib: z.number().positive(),
        pool_mode: z.enum(['session', 'transaction', 'statement']),
        pool_size: z.number().int().positive(),
        redis_idle_timeout_seconds: seconds,
        redis_maxmemory_policy: z.string(),
        /** A dev database's monthly price; a managed cluster is billed by the Databases product, not the app. */
        dev_usd_per_month: z.number().nonnegative(),
      })
      .optional(),
  });
  return { ProfileSchema, InstanceSize };
};
let built: ReturnType<typeof schemas> | undefined;
const profileSchema = () => (built ??= schemas()).ProfileSchema;

export type Profile = z.output<ReturnType<typeof schemas>['ProfileSchema']>;
export type InstanceSize = z.output<ReturnType<typeof schemas>['InstanceSize']>;

/** sandbox/ ships beside dist/ and src/ alike, two levels up from this file. */
export const SANDBOX_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sandbox');

export function builtinProfiles(): string[] {
  return ['digitalocean', 'heroku'];
}

/** `nameOrFile`: a built-in profile name, or a path to a profile YAML. Default: digitalocean. */
export function loadProfile(nameOrFile = 'digitalocean'): Profile {
  const file = existsSync(nameOrFile) ? path.resolve(nameOrFile) : path.join(SANDBOX_DIR, `${nameOrFile}.yaml`);
  if (!existsSync(file)) {
    throw new RehearseError('PROFILE_INVALID', `no platform profile named "${nameOrFile}"`, {
      hint: `use one of ${builtinProfiles().join(', ')}, or a path to a profile YAML like sandbox/digitalocean.yaml`,
    });
  }
  const text = readFileSync(file, 'utf8');
  const key = `${file}\0${profileHash(text)}`;
  const known = parsed.get(key) ?? compiledProfile(file, text) ?? parseProfile(file, text);
  parsed.set(key, known);
  // A copy: callers may adjust their profile (start-app overrides), and the next caller must not see that.
  return structuredClone(known);
}

/** Profiles parsed in this process, by file and content: a process that loads many specs parses each once. */
const parsed = new Map<string, Profile>();

/**
 * The built-in profiles, parsed and validated at build time (scripts/compile-profiles.mjs), keyed by a hash of
 * their YAML: parsing the YAML and validating it costs every CLI start ~15 ms. An edited profile no longer
 * matches its hash and is parsed as any other file.
 */
const COMPILED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../profile/compiled-profiles.json');

export const profileHash = (text: string) => createHash('sha256').update(text).digest('hex');

function compiledProfile(file: string, text: string): Profile | undefined {
  if (path.dirname(file) !== SANDBOX_DIR || !existsSync(COMPILED)) return undefined;
  const all = JSON.parse(readFileSync(COMPILED, 'utf8')) as Record<string, { sha256: string; profile: Profile }>;
  const hit = all[path.basename(file)];
  return hit?.sha256 === profileHash(text) ? hit.profile : undefined;
}

/** A profile YAML, validated: errors name the file and the line. */
export function parseProfile(file: string, text: string): Profile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new RehearseError('PROFILE_INVALID', `profile YAML: ${e.message.split('\n')[0]}`, {
      location: { file, line: e.linePos?.[0].line ?? 1, column: e.linePos?.[0].col ?? 1 },
      hint: 'fix the YAML syntax of the profile',
    });
  }
  const parsed = profileSchema().safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RehearseError('PROFILE_INVALID', `profile field ${issue.path.join('.')}: ${issue.message}`, {
      location: { file, line: 1, column: 1 },
      hint: 'compare with sandbox/digitalocean.yaml, which lists every field',
    });
  }
  const profile = parsed.data;
  if (!profile.instance_sizes.some((s) => s.slug === profile.default_instance_size)) {
    throw new RehearseError(
      'PROFILE_INVALID',
      `default_instance_size "${profile.default_instance_size}" is not listed`,
      {
        location: { file, line: 1, column: 1 },
        hint: 'add it to instance_sizes or pick a listed slug',
      },
    );
  }
  return profile;
}

/** The smallest current size whose memory is at least `mib`: what the OOM diagnosis recommends. */
export function sizeThatFits(profile: Profile, mib: number): InstanceSize | undefined {
  return profile.instance_sizes
    .filter((s) => !s.deprecated && s.memory_mib >= mib)
    .sort((a, b) => a.memory_mib - b.memory_mib || a.usd_per_month - b.usd_per_month)[0];
}
