/** A spec edit under watch reloads the model from the same inputs as the first load: the env given to startApp. */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startApp, type AppEvent } from '../../src/app/index.js';
import { copyExample } from '../helpers/cli.js';
import { eventually, getText } from '../helpers/eventually.js';

it("keeps startApp()'s env when a spec edit is rolled out", async () => {
  const dir = copyExample('hello');
  const spec = path.join(dir, '.do/app.yaml');
  // A SECRET whose only value is the one given to startApp(): no .env, nothing in the environment.
  appendFileSync(spec, '      - key: API_TOKEN_FOR_WATCH\n        type: SECRET\n        scope: RUN_TIME\n');
  const events: AppEvent[] = [];
  await using app = await startApp({
    spec,
    env: { API_TOKEN_FOR_WATCH: 'tok-123' },
    watch: true,
    onEvent: (e) => events.push(e),
  });
  expect((await getText(app.url('web'))).body).toMatch(/^hello from/);
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('value: hello', 'value: bonjour'));
  await eventually(
    () =>
      expect(events.filter((e) => e.type === 'watch').map((e) => e.message)).toContainEqual(
        expect.stringMatching(/web rolled out/),
      ),
    60_000,
  );
  expect((await getText(app.url('web'))).body).toMatch(/^bonjour from/);
  expect((await app.exec('web', ['printenv', 'API_TOKEN_FOR_WATCH'])).stdout).toBe('tok-123\n');
});
