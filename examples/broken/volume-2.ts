/**
 * The failure catalog, second volume (issue 18): classes that come from the platform's shape rather than from the
 * app alone. Numbered 14 + the class's number in the issue, after the first volume's 1-14.
 */
import type { AppEvent } from '../../src/app/index.js';
import { answers, deployFails, eventually, withApp, type CatalogCase } from './cases.js';

const notices = (events: AppEvent[]) =>
  events.filter((e): e is Extract<AppEvent, { type: 'notice' }> => e.type === 'notice');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
];
