/**
 * Catalog class 7: an in-process scheduler (setInterval, node-cron, APScheduler) in a web service runs once per
 * worker process and per instance, so with two instances every job runs twice: the same email sent twice. The
 * sign in the logs is the same scheduler line, again and again, from several instances of one component.
 * Sources: django-apscheduler's docs ("ensure that you have only ONE scheduler actively running"),
 * viniciuschiele/flask-apscheduler#51, tiangolo/fastapi#10603.
 */

/** Words a scheduled task's log line carries. */
const SCHEDULED = /\b(job|jobs|task|tasks|cron|schedul\w*|digest|reminders?|batch|nightly|hourly|daily|cleanup)\b/i;
/** Request logs repeat on every instance (health checks among them): never a scheduled task. */
const REQUEST = /\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/|HTTP\/\d/;
/** Times each instance must have printed the line: once is a boot line, again is a schedule. */
const REPEATS = 2;

/** The line without what changes from one run to the next: times, numbers, ids. */
export function normalise(line: string): string {
  return line
    .replace(/\d{4}-\d\d-\d\d[T ][\d:.,]+Z?/g, '')
    .replace(/\b[0-9a-f]{8,}\b/gi, '#')
    .replace(/\d+/g, '#')
    .trim();
}

export class DuplicateJobs {
  /** component, then normalised line, then instance -> times seen. */
  private readonly seen = new Map<string, Map<string, Map<string, number>>>();
  private readonly told = new Set<string>();

  constructor(private readonly notice: (component: string, message: string) => void) {}

  line(component: string, instance: string, line: string): void {
    if (this.told.has(component) || !SCHEDULED.test(line) || REQUEST.test(line)) return;
    const key = normalise(line);
    if (!key) return;
    let lines = this.seen.get(component);
    if (!lines) this.seen.set(component, (lines = new Map()));
    let counts = lines.get(key);
    if (!counts) lines.set(key, (counts = new Map()));
    counts.set(instance, (counts.get(instance) ?? 0) + 1);
    const repeating = [...counts.values()].filter((n) => n >= REPEATS).length;
    if (repeating < 2) return;
    this.told.add(component);
    const sample = line.trim().length > 80 ? `${line.trim().slice(0, 79)}…` : line.trim();
    this.notice(
      component,
      `${component}'s ${repeating} instances each run the same scheduled task ("${sample}"): an in-process scheduler runs once per instance (and per worker process), so every run happens ${repeating} times.\nRun it once: in a worker component with instance_count: 1, in a SCHEDULED job, or behind a lock in the database.`,
    );
  }
}
