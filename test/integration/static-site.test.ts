import path from 'node:path';
import { expect, it } from 'vitest';
import { startApp } from '../../src/app/index.js';
import { getText } from '../helpers/eventually.js';
import { copyExample } from '../helpers/cli.js';

it('builds a static site in a container and serves it with SPA semantics beside a service', async () => {
  await using app = await startApp({ spec: path.join(copyExample('static-spa'), '.do/app.yaml') });
  expect((await getText(app.routerUrl + '/')).body).toMatch(/<h1>built at local<\/h1>/);
  const js = await fetch(app.routerUrl + '/assets/app.js');
  expect(js.headers.get('content-type')).toMatch(/javascript/);
  expect((await getText(app.routerUrl + '/orders/42')).body).toMatch(/built at local/); // client-side route
  expect((await getText(app.routerUrl + '/api/hello')).body).toBe('api saw /hello\n');
});
