/** Which commands keep the platform's narrow sandbox rules (seed 000's fchmod), read from the command line. */
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../src/profile/profile.js';
import { seccompProfile } from '../../../src/runtime/seccomp.js';

const profile = loadProfile();
const refusesFchmod = (command: string) =>
  (JSON.parse(seccompProfile(profile, command)) as { syscalls: { names: string[] }[] }).syscalls.some((s) =>
    s.names.includes('fchmod'),
  );

describe('the fchmod rule (gVisor, seed 000)', () => {
  it.each([
    ['gunicorn app:app --bind 0.0.0.0:8080', true],
    // Shell form: the shell's -c is not gunicorn's config flag.
    ['/bin/sh -c gunicorn mysite.wsgi --bind 0.0.0.0:$PORT --workers 2', true],
    ['sh -c gunicorn app:app', true],
    ['gunicorn app:app --worker-tmp-dir /dev/shm', false],
    ['/bin/sh -c gunicorn -c gunicorn.conf.py app:app', false],
    ['gunicorn --config=conf.py app:app', false],
  ])('%s: refused %s', (command, refused) => {
    expect(refusesFchmod(command)).toBe(refused);
  });
});
