/**
 * Catalog cases about buildpack builds (issue 15): what App Platform's buildpacks change about an app, reproduced
 * by rehearse's buildpack build, each with its fixed twin. Joined to the catalog in cases.ts.
 */
import { startApp, type AppEvent, type StartOptions } from '../../src/app/index.js';
import { deployFails, type CatalogCase } from './cases.js';

async function serves(spec: string, o: Partial<StartOptions>): Promise<boolean> {
  const app = await startApp({ spec, ...o });
  try {
    return (await fetch(app.routerUrl + '/')).status === 200;
  } finally {
    await app.stop();
  }
}

/** Requests an order, then watches the logs for the line the handler printed; true when it arrived in time. */
async function printedLineArrives(spec: string, o: Partial<StartOptions>, events: AppEvent[] = []) {
  const app = await startApp({ spec, ...o, onEvent: (e) => events.push(e) });
  try {
    await fetch(app.routerUrl + '/orders/42');
    const end = Date.now() + 5000;
    while (Date.now() < end) {
      if (app.logs('web').some((l) => l.includes('order processed: /orders/42'))) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  } finally {
    await app.stop();
  }
}

export const BUILDPACK_CASES: CatalogCase[] = [
  {
    id: 'devdep-at-runtime',
    n: 15,
    title: 'a devDependency needed at run time, pruned by the Node.js buildpack',
    expect:
      /Cannot find module 'greeting'.*greeting is a devDependency: the Node\.js buildpack prunes devDependencies after the build/,
    reproduce: deployFails,
    fixed: serves,
  },
  {
    id: 'python-buffered',
    n: 16,
    title: "print() output held in Python's buffer once the app leaves the buildpack for a Dockerfile",
    expect: /web runs Python without PYTHONUNBUFFERED: in a container stdout is a pipe.*add ENV PYTHONUNBUFFERED=1/,
    reproduce: async (s, o) => {
      const events: AppEvent[] = [];
      const arrived = await printedLineArrives(s, o, events);
      const d = events
        .flatMap((e) => (e.type === 'diagnostics' ? e.diagnostics : []))
        .find((x) => x.code === 'lint/python-buffered');
      return { symptom: !arrived, diagnosis: d ? `${d.message}. Fix: ${d.hint}` : '' };
    },
    fixed: (s, o) => printedLineArrives(s, o),
  },
];
