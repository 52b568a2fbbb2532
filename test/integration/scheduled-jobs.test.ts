/**
 * SCHEDULED jobs on real containers: two jobs whose runs overlap each remove their own finished run, never
 * the other's (issue 11: the run index was read again after an await).
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { projectIdFor, appIdFor } from '../../src/app/app-id.js';
import { loadProfile } from '../../src/profile/profile.js';
import { connectEngine } from '../../src/runtime/engine.js';
import { AppRuntime } from '../../src/runtime/runtime.js';
import { loadSpecText } from '../../src/spec/index.js';

const SPEC = `name: cron
jobs:
  - name: slow
    kind: SCHEDULED
    schedule: { cron: "* * * * *" }
    image: { registry_type: DOCKER_HUB, repository: debian, tag: bookworm-slim }
    run_command: sleep 1.5
  - name: quick
    kind: SCHEDULED
    schedule: { cron: "* * * * *" }
    image: { registry_type: DOCKER_HUB, repository: debian, tag: bookworm-slim }
    run_command: "true"
`;

it('removes each finished run of overlapping SCHEDULED jobs, and only that run', async () => {
  const file = `/tmp/rehearse-cron-${randomUUID()}/.do/app.yaml`;
  const model = loadSpecText(file, SPEC).model!;
  // Every second, for the test (croner's optional seconds field): both jobs start in the same second.
  for (const c of model.components) c.schedule = { cron: '* * * * * *' };
  const docker = await connectEngine();
  const finished: string[] = [];
  const left: number[] = [];
  const runtime: AppRuntime = new AppRuntime(
    docker,
    model,
    loadProfile(),
    appIdFor(model.name, file),
    projectIdFor(file),
    randomUUID(),
    {
      job: (run) => {
        finished.push(`${run.job}:${run.code}`);
        // Once a run is reported, its container is gone; at most the next run of that job may have started.
        left.push(runtime.allInstances().filter((i) => i.component.name === run.job).length);
      },
    },
  );
  try {
    await runtime.prepare();
    await runtime.startScheduler();
    const deadline = Date.now() + 20_000;
    while (finished.filter((f) => f.startsWith('slow')).length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
  } finally {
    await runtime.remove();
  }
  expect(finished.filter((f) => f === 'slow:0').length).toBeGreaterThanOrEqual(3);
  expect(finished.filter((f) => f === 'quick:0').length).toBeGreaterThanOrEqual(3);
  expect(Math.max(...left)).toBeLessThanOrEqual(1);
});
