/**
 * Catalog cases about buildpack builds (issue 15): what App Platform's buildpacks change about an app, reproduced
 * by rehearse's buildpack build, each with its fixed twin. Joined to the catalog in cases.ts. (Python's buffered
 * print() is volume 2's python-unbuffered: the buildpack exports PYTHONUNBUFFERED, so only Dockerfile apps hit it.)
 */
import { startApp, type StartOptions } from '../../src/app/index.js';
import { deployFails, type CatalogCase } from './cases.js';

async function serves(spec: string, o: Partial<StartOptions>): Promise<boolean> {
  const app = await startApp({ spec, ...o });
  try {
    return (await fetch(app.routerUrl + '/')).status === 200;
  } finally {
    await app.stop();
  }
}

export const BUILDPACK_CASES: CatalogCase[] = [
  {
    id: 'devdep-at-runtime',
    n: 27,
    title: 'a devDependency needed at run time, pruned by the Node.js buildpack',
    expect:
      /Cannot find module 'greeting'.*greeting is a devDependency: the Node\.js buildpack prunes devDependencies after the build/,
    reproduce: deployFails,
    fixed: serves,
  },
];
