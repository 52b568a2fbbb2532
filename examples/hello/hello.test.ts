// The README's harness example, run as is: rehearse inside a user's own test suite.
import { startApp } from 'rehearse';
import { expect, it } from 'vitest';

it('answers through the edge', async () => {
  await using app = await startApp({ spec: 'examples/hello/.do/app.yaml' });
  const res = await fetch(app.url('web'));
  expect(res.status).toBe(200);
}); // containers and network removed here, pass or fail
