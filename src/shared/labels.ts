import os from 'node:os';

/**
 * Labels are rehearse's state store: every Docker object it creates carries them, so `down`, Ctrl-C and the
 * next `up` after a crash can find everything without any file on disk.
 */
export const LABEL = {
  /** One running app (one startApp() or `up`): name, spec hash, and a random part, so parallel runs never collide. */
  app: 'rehearse.app',
  /** The spec file's identity (a hash of its path): `down` and the orphan sweep work per project. */
  project: 'rehearse.project',
  /** The component name from the spec. */
  component: 'rehearse.component',
  /** `<component>-<n>`, the instance index, 1-based as App Platform's console shows. */
  instance: 'rehearse.instance',
  /** The session (one `up` process); objects of a session whose process is gone are orphans. */
  session: 'rehearse.session',
  /** pid of the process that owns the session, for orphan detection on the same host. */
  pid: 'rehearse.pid',
  /** Who started it: `user@host`, or REHEARSE_OWNER when set (a test run scopes its cleanup to its own objects). */
  owner: 'rehearse.owner',
  /** The machine whose process owns it: a recorded pid means something only there (an engine may be shared). */
  host: 'rehearse.host',
  /** service | worker | job | static_site: what the object runs. */
  kind: 'rehearse.kind',
  /** Base images built offline from Debian packages carry this (scripts/base-images). */
  standIn: 'rehearse.stand-in',
  /** On an instance's container: how often the instance crashed and was restarted before it, and its last crash. */
  restarts: 'rehearse.restarts',
  lastCrash: 'rehearse.last-crash',
  /** On an app's image: the fingerprint of what it was built from; the same inputs again skip the build. */
  fingerprint: 'rehearse.fingerprint',
} as const;

/**
 * The owner of what this process creates. On an engine shared by several users or machines, an object is only
 * ever swept by its owner; REHEARSE_OWNER overrides it (a test run sets its own, so its teardown never touches a
 * developer's running app).
 */
export function owner(): string {
  return process.env.REHEARSE_OWNER || `${os.userInfo().username}@${os.hostname()}`;
}

/** The labels every object of an app carries, whatever else it adds. */
export function appLabels(appId: string): Record<string, string> {
  return { [LABEL.app]: appId, [LABEL.owner]: owner(), [LABEL.host]: os.hostname() };
}

/**
 * Whether an object's labels say this user on this machine made it: only then can its recorded pid be checked,
 * and only then may a sweep remove it (an engine shared by a team, a remote host, a CI box: issue 17).
 */
export function ownedHere(labels: Record<string, string> | undefined): boolean {
  if (!labels || labels[LABEL.owner] !== owner()) return false;
  const host = labels[LABEL.host];
  return host === undefined || host === os.hostname(); // objects labelled before the host label: owner says user@host
}
