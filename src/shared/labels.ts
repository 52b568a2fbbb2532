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
  /** service | worker | job | static_site: what the object runs. */
  kind: 'rehearse.kind',
  /** Base images built offline from Debian packages carry this (scripts/base-images). */
  standIn: 'rehearse.stand-in',
  /** On an app's image: the fingerprint of what it was built from; the same inputs again skip the build. */
  fingerprint: 'rehearse.fingerprint',
} as const;
