/**
 * The seccomp profile every instance runs under: the platform's sandbox refusals (the profile's
 * `sandbox.syscalls`, each with its evidence), on top of a base that keeps what Docker's default profile denies
 * an app container. A container that names a profile loses the engine's default one entirely, so the base
 * restates the default's significant denials, as docs.docker.com/engine/security/seccomp lists them: kernel
 * modules, keyrings, mounts and namespaces, clocks, tracing of other processes, reboot and swap.
 */
import type { Profile } from '../profile/profile.js';

type Rule = Profile['sandbox']['syscalls'][number];

const DENIED = [
  'acct',
  'add_key',
  'bpf',
  'clock_adjtime',
  'clock_settime',
  'create_module',
  'delete_module',
  'finit_module',
  'get_kernel_syms',
  'init_module',
  'ioperm',
  'iopl',
  'kcmp',
  'kexec_file_load',
  'kexec_load',
  'keyctl',
  'lookup_dcookie',
  'mount',
  'name_to_handle_at',
  'nfsservctl',
  'open_by_handle_at',
  'perf_event_open',
  'pivot_root',
  'process_vm_readv',
  'process_vm_writev',
  'ptrace',
  'query_module',
  'quotactl',
  'reboot',
  'request_key',
  'setns',
  'settimeofday',
  'stime',
  'swapoff',
  'swapon',
  'sysfs',
  '_sysctl',
  'umount',
  'umount2',
  'unshare',
  'uselib',
  'userfaultfd',
  'ustat',
  'vm86',
  'vm86old',
];

/** clone(2) flags that create namespaces: refused, as Docker's default refuses them without CAP_SYS_ADMIN. */
const NAMESPACE_FLAGS = [0x20000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000];

const ERRNO = { EPERM: 1, EACCES: 13, ENOSYS: 38 } as const;

const base: Rule[] = [
  ...DENIED.map((name) => ({ name, errno: 'EPERM' as const, why: "Docker's default profile" })),
  ...NAMESPACE_FLAGS.map((flag) => ({
    name: 'clone',
    errno: 'EPERM' as const,
    when: { arg: 0, mask: flag, equals: flag },
    why: "Docker's default profile",
  })),
  // clone3 passes its flags in memory seccomp cannot read: ENOSYS makes the C library fall back to clone.
  { name: 'clone3', errno: 'ENOSYS', why: "Docker's default profile" },
];

/**
 * The profile as the engine takes it in SecurityOpt ("seccomp=<json>"). `command`: what the instance runs and its
 * environment, for the rules that name the commands they leave alone.
 */
export function seccompProfile(profile: Profile, command: string): string {
  // A shell-form CMD is `/bin/sh -c "..."`: the shell's own -c is not the program's (gunicorn's -c names a config).
  const program = command.replace(/(^|\s)(\/usr)?(\/bin\/)?(ba|da)?sh\s+-c\s/g, '$1');
  const platform = profile.sandbox.syscalls.filter(
    (r) => !r.unless_command_matches || !new RegExp(r.unless_command_matches).test(program),
  );
  return JSON.stringify({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [...base, ...platform].map((r) => ({
      names: [r.name],
      action: 'SCMP_ACT_ERRNO',
      errnoRet: ERRNO[r.errno],
      ...(r.when
        ? { args: [{ index: r.when.arg, value: r.when.mask, valueTwo: r.when.equals, op: 'SCMP_CMP_MASKED_EQ' }] }
        : {}),
    })),
  });
}
