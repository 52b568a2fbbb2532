/**
 * Jobs: PRE_DEPLOY before services start (a failure stops the deploy with the job's output), POST_DEPLOY after
 * they are live, FAILED_DEPLOY when a deploy fails, SCHEDULED on their cron while the app runs. Each run is a
 * fresh container under the same sandbox, removed once its output is kept.
 */
import type { Cron } from 'croner';
import { RehearseError } from '../shared/errors.js';
import type { AppModel, ComponentModel } from '../spec/model.js';
import { shellExit, unreachableHost, whyUnreachable } from './blame.js';
import type { Instance } from './instance.js';
import { databaseFix } from './databases/diagnose.js';

export interface JobRun {
  job: string;
  code: number;
  output: string[];
}

export type StartRun = (job: ComponentModel, runIndex: number) => Promise<Instance>;

export async function runJob(
  job: ComponentModel,
  start: StartRun,
  runIndex: number,
  timeoutSeconds: number,
  kill: (i: Instance) => Promise<void>,
): Promise<JobRun> {
  const inst = await start(job, runIndex);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((resolve) => {
    timer = setTimeout(() => void kill(inst).then(() => resolve(-2)), timeoutSeconds * 1000);
  });
  const code = await Promise.race([inst.exited, timedOut]);
  clearTimeout(timer);
  // Logs may still be in flight for a job that just ended; give the stream a moment to drain.
  await new Promise((r) => setTimeout(r, 100));
  return { job: job.name, code, output: inst.tail.last(200) };
}

export function jobFailure(
  kind: string,
  run: JobRun,
  timeoutSeconds: number,
  model: Pick<AppModel, 'components' | 'databases'>,
): RehearseError {
  const what = run.code === -2 ? `timed out after ${timeoutSeconds}s` : `exited with code ${run.code}`;
  const target = unreachableHost(run.output);
  const shell = shellExit(run.code, run.output);
  const database = databaseFix(run.output.join('\n'));
  return new RehearseError(
    'JOB_FAILED',
    `${kind} job "${run.job}" ${what}${shell ? `: ${shell.split('. ')[0]}` : database ? `: ${database}` : ''}`,
    {
      details: run.output.slice(-30).join('\n'),
      hint: target
        ? whyUnreachable(model, `the job "${run.job}"`, target, kind === 'PRE_DEPLOY' ? 'PRE_DEPLOY' : 'run')
        : shell
          ? shell.split('. ').slice(1).join('. ')
          : kind === 'PRE_DEPLOY'
            ? 'the deploy stops here, as in production; fix the job (its output is above) and run up again'
            : 'the job output is above',
    },
  );
}

/**
 * Runs SCHEDULED jobs on their cron (in their time zone) until stop(). Overlapping runs are skipped, not queued.
 * A run that fails to start (its container removed by a stop under it, an engine error) goes to onError, never
 * to an unhandled rejection; once stopped, a run cut short by the stop is not an error.
 */
export class Scheduler {
  private readonly crons: Cron[] = [];
  private stopped = false;
  private constructor(
    private readonly onTick: (job: ComponentModel) => Promise<void>,
    private readonly onError: (job: ComponentModel, err: unknown) => void,
  ) {}

  /** croner loads only for apps that have scheduled jobs. */
  static async start(
    jobs: ComponentModel[],
    onTick: (job: ComponentModel) => Promise<void>,
    onError: (job: ComponentModel, err: unknown) => void = () => undefined,
  ): Promise<Scheduler> {
    const { Cron } = await import('croner');
    const s = new Scheduler(onTick, onError);
    s.add(Cron, jobs);
    return s;
  }

  private add(Cron: typeof import('croner').Cron, jobs: ComponentModel[]) {
    for (const job of jobs) {
      if (!job.schedule) continue;
      this.crons.push(
        new Cron(job.schedule.cron, { timezone: job.schedule.timeZone ?? 'UTC', protect: true }, () =>
          this.onTick(job).catch((err: unknown) => void (this.stopped || this.onError(job, err))),
        ),
      );
    }
  }
  next(job: string): Date | null {
    const i = this.crons.findIndex((c) => c.name === job);
    return i >= 0 ? this.crons[i]!.nextRun() : null;
  }
  stop() {
    this.stopped = true;
    for (const c of this.crons) c.stop();
  }
}
