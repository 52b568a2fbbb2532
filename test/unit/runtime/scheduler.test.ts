import { describe, expect, it } from 'vitest';
import { connectEngine } from '../../../src/runtime/engine.js';
import { Scheduler } from '../../../src/runtime/jobs.js';
import { loadSpecText } from '../../../src/spec/index.js';

describe('Scheduler', () => {
  it('runs a SCHEDULED job on its cron, in its time zone, until stopped', async () => {
    const model = loadSpecText(
      '/r/.do/app.yaml',
      'name: app\njobs:\n  - name: tick\n    github: {repo: a/b}\n    dockerfile_path: Dockerfile\n    kind: SCHEDULED\n    schedule: {cron: "*/5 * * * *", time_zone: Europe/Paris}\n',
    ).model!;
    const job = model.components[0]!;
    expect(job.schedule).toEqual({ cron: '*/5 * * * *', timeZone: 'Europe/Paris' });
    // Every second, for the test (croner's optional seconds field).
    const fast = { ...job, schedule: { cron: '* * * * * *', timeZone: 'Europe/Paris' } };
    const ticks: string[] = [];
    const s = await Scheduler.start([fast], async (j) => void ticks.push(j.name));
    await new Promise((r) => setTimeout(r, 2200));
    s.stop();
    const seen = ticks.length;
    expect(seen).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 1200));
    expect(ticks.length).toBe(seen);
  });
});

describe('Scheduler failures', () => {
  it('hands a run that fails to onError, not to an unhandled rejection, and stays quiet once stopped', async () => {
    const job = loadSpecText(
      '/r/.do/app.yaml',
      'name: app\njobs:\n  - name: tick\n    github: {repo: a/b}\n    dockerfile_path: Dockerfile\n    kind: SCHEDULED\n    schedule: {cron: "* * * * *"}\n',
    ).model!.components[0]!;
    const errors: string[] = [];
    let fail = () => undefined as unknown;
    const s = await Scheduler.start(
      [{ ...job, schedule: { cron: '* * * * * *' } }],
      () => new Promise((_, reject) => (fail = () => reject(new Error('container removed')))),
      (j, err) => errors.push(`${j.name}: ${(err as Error).message}`),
    );
    await new Promise((r) => setTimeout(r, 1200));
    fail();
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual(['tick: container removed']);
    await new Promise((r) => setTimeout(r, 1100));
    s.stop();
    fail(); // a run cut short by the stop
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual(['tick: container removed']);
  });
});

describe('engine discovery', () => {
  it('says how to start an engine when none answers', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      await expect(connectEngine()).rejects.toMatchObject({
        code: 'ENGINE_UNREACHABLE',
        hint: expect.stringMatching(/start Docker/),
      });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});
