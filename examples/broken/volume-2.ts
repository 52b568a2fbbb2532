/**
 * The failure catalog, second volume (issue 18): classes that come from the platform's shape rather than from the
 * app alone. Numbered 14 + the class's number in the issue, after the first volume's 1-14.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { startApp, type AppEvent, type StartOptions } from '../../src/app/index.js';
import { imageTag } from '../../src/runtime/build.js';
import { answers, deployFails, eventually, withApp, type CatalogCase, type Outcome } from './cases.js';

const notices = (events: AppEvent[]) =>
  events.filter((e): e is Extract<AppEvent, { type: 'notice' }> => e.type === 'notice');
/** Logs in once, then opens the account page six times with the session cookie; the statuses. */
async function loginThenBrowse(url: string): Promise<number[]> {
  const login = await fetch(`${url}/login`, { method: 'POST' });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await fetch(`${url}/account`, { headers: { cookie } })).status);
  return statuses;
}

/** A made-up token, shaped like a real one. */
const TOKEN = 'sntrys_catalog0123456789abcdef';
/** The instances that ran the digest, one entry per run. */
const digestRuns = (events: AppEvent[]) =>
  events.flatMap((e) => (e.type === 'log' && /daily digest/.test(e.line) ? [e.instance] : []));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A case's folder as a fresh git repository with everything committed, then changed on disk by `edit` the way the
 * developer's working folder differs from what they pushed; the repository is removed afterwards.
 */
async function inGitRepo<T>(spec: string, edit: (dir: string) => void, fn: (spec: string) => Promise<T>): Promise<T> {
  const src = path.dirname(path.dirname(spec));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-catalog-git-'));
  try {
    cpSync(src, dir, { recursive: true, filter: (f) => path.relative(src, f) !== 'fixed' });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=catalog', '-c', 'user.email=catalog@localhost', ...args], {
        cwd: dir,
        stdio: 'ignore',
      });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'what was pushed');
    edit(dir);
    return await fn(path.join(dir, '.do/app.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts an app that should fail its deploy; the symptom is a failed deploy, the diagnosis the first notice. */
async function failsWithNotice(spec: string, o: Partial<StartOptions>, about: RegExp): Promise<Outcome> {
  const events: AppEvent[] = [];
  try {
    await (await startApp({ spec, ...o, onEvent: (e) => events.push(e) })).stop();
    return { symptom: false, diagnosis: notices(events).find((n) => about.test(n.message))?.message ?? '' };
  } catch (err) {
    const notice = notices(events).find((n) => about.test(n.message));
    return { symptom: (err as { code?: string }).code === 'HEALTH_FAILED', diagnosis: notice?.message ?? '' };
  }
}

export const VOLUME_2: CatalogCase[] = [
  {
    id: 'python-unbuffered',
    n: 15,
    title: "a Python app's print() block-buffered: production's log view stays empty",
    expect: /no output from a Python process.*\n.*PYTHONUNBUFFERED=1.*python -u/,
    reproduce: (s, o) =>
      withApp(s, o, async (app, events) => {
        for (const id of [1, 2, 3]) await fetch(`${app.routerUrl}/${id}`);
        const notice = await eventually(() => notices(events).find((n) => /Python/.test(n.message)), 15_000);
        return { symptom: !app.logs('web').some((l) => l.includes('served')), diagnosis: notice?.message ?? '' };
      }),
    fixed: (s, o) =>
      withApp(s, o, async (app, events) => {
        await fetch(`${app.routerUrl}/7`);
        const served = await eventually(() => app.logs('web').find((l) => l.includes('served /7')), 10_000);
        await sleep(6_000); // past the silence window: no notice may come
        return served !== undefined && notices(events).length === 0;
      }),
  },
  {
    id: 'arm64-image',
    n: 22,
    title: 'an image built for arm64 on amd64 production: exec format error',
    expect:
      /cannot start: \/bin\/busybox is built for arm64 \(aarch64\), and production runs linux\/amd64 .*failed to load \/bin\/busybox: exec format error.*--platform linux\/amd64/,
    reproduce: deployFails,
    fixed: (s, o) => answers(s, o, '/healthz'),
  },
  {
    id: 'git-tree',
    n: 23,
    title: 'the build sees the committed tree: a gitignored file and a case-only rename are missing',
    expect:
      /web's build left out 2 files of its folder that git would not ship, as production builds from the committed tree: .*config\/settings\.json \(gitignored\).*public\/logo\.svg \(git has public\/Logo\.svg: a case-only rename.*git mv/s,
    reproduce: (s, o) =>
      inGitRepo(
        s,
        (dir) => {
          // The developer's local settings, and a rename done on a Mac, where neither the disk nor git see case.
          mkdirSync(path.join(dir, 'config'));
          writeFileSync(path.join(dir, 'config/settings.json'), '{ "currency": "EUR" }\n');
          renameSync(path.join(dir, 'public/Logo.svg'), path.join(dir, 'public/logo.svg'));
        },
        (spec) => failsWithNotice(spec, o, /git would not ship/),
      ),
    fixed: (s, o) =>
      inGitRepo(
        s,
        () => undefined,
        (spec) =>
          withApp(spec, o, async (app, events) => {
            const logo = await fetch(`${app.routerUrl}/logo.svg`);
            return logo.status === 200 && notices(events).length === 0;
          }),
      ),
  },
  {
    id: 'secret-in-image',
    n: 26,
    title: 'a SECRET passed as a build argument is baked into the image',
    expect:
      /^SENTRY_AUTH_TOKEN \(a SECRET\) is baked into web's image: layer \d+ of \d+ \(RUN test -n "\$SENTRY_AUTH_TOKEN".*\) records it as a build argument.*\nRemove ARG SENTRY_AUTH_TOKEN .*scope SENTRY_AUTH_TOKEN RUN_TIME/,
    options: { env: { SENTRY_AUTH_TOKEN: TOKEN } },
    reproduce: (s, o) =>
      withApp(s, o, async (app, events) => {
        const notice = notices(events).find((n) => /baked into/.test(n.message))?.message ?? '';
        // The leak itself, as anyone who pulls the image sees it; and the notice never shows the value.
        const leaked = (await historyOf(app.name, app.project)).includes(TOKEN);
        return { symptom: leaked, diagnosis: notice.includes(TOKEN) ? 'the notice printed the secret' : notice };
      }),
    fixed: (s, o) =>
      withApp(
        s,
        o,
        async (app, events) =>
          (await fetch(app.routerUrl)).status === 200 &&
          !(await historyOf(app.name, app.project)).includes(TOKEN) &&
          notices(events).length === 0,
      ),
  },
  {
    id: 'scheduler-twice',
    n: 21,
    title: 'an in-process scheduler in a service with two instances: every job runs twice',
    expect:
      /^web's 2 instances each run the same scheduled task \("\[scheduler\] daily digest: run \d+, emailed 120 subscribers"\).*every run happens 2 times\.\nRun it once: in a worker component with instance_count: 1, in a SCHEDULED job/,
    reproduce: (s, o) =>
      withApp(s, o, async (app, events) => {
        const notice = await eventually(() => notices(events).find((n) => /scheduled task/.test(n.message)), 15_000);
        return { symptom: new Set(digestRuns(events)).size >= 2, diagnosis: notice?.message ?? '' };
      }),
    fixed: (s, o) =>
      withApp(s, o, async (app, events) => {
        await sleep(6_000); // three runs of the schedule
        const runners = new Set(digestRuns(events));
        return (
          (await fetch(app.routerUrl)).status === 200 &&
          runners.size === 1 &&
          runners.has('scheduler-1') &&
          !notices(events).some((n) => /scheduled task/.test(n.message))
        );
      }),
  },
  {
    id: 'memory-sessions',
    n: 20,
    title: 'sessions in memory across two instances: random logouts',
    expect:
      /^GET \/account is accepted by 1 of web's instances and refused \(401\) by the other 1, every time: sessions kept in one instance's memory.*\nKeep sessions in a shared store/,
    options: { env: { SESSION_SECRET: 'catalog-session-key-0123456789' } },
    reproduce: (s, o) =>
      withApp(s, o, async (app, events) => {
        const statuses = await loginThenBrowse(app.routerUrl);
        const notice = await eventually(() => notices(events).find((n) => /sessions kept/.test(n.message)), 5_000);
        return { symptom: statuses.includes(200) && statuses.includes(401), diagnosis: notice?.message ?? '' };
      }),
    fixed: (s, o) =>
      withApp(
        s,
        o,
        async (app, events) =>
          (await loginThenBrowse(app.routerUrl)).every((x) => x === 200) &&
          !notices(events).some((n) => /sessions kept/.test(n.message)),
      ),
  },
];

/** What `docker history --no-trunc` shows of a component's built image. */
async function historyOf(app: string, project: string, component = 'web'): Promise<string> {
  const layers = (await new Docker().getImage(imageTag(`${app}-${project}`, component)).history()) as {
    CreatedBy: string;
  }[];
  return layers.map((l) => l.CreatedBy).join('\n');
}
