/**
 * Every change to an app (a watch rollout, `restart`, `stop`, a repair by the supervisor) runs through one
 * queue per app, one at a time, so two never interleave: two `rehearse restart web` at once restart twice and
 * both end with the app serving, instead of one failing on "container already started" and the other leaving
 * the edge on "starting" for good (issue 17). Closing the queue aborts the change under way (its signal) and
 * drops the ones waiting: stopping the app wins over any repair.
 */
export class QueueClosed extends Error {
  constructor() {
    super('the app is stopping');
  }
}

export class ChangeQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private current?: AbortController;
  private closed = false;
  private pending = 0;
  /** What runs now, for diagnostics ("restart web-1"). */
  running?: string;

  get isClosed() {
    return this.closed;
  }

  /** Nothing queued, nothing under way. */
  get idle() {
    return this.pending === 0;
  }

  /** Runs `change` after every change queued before it; rejects with QueueClosed once the queue is closed. */
  run<T>(what: string, change: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.pending++;
    const next = this.tail.then(async () => {
      if (this.closed) throw new QueueClosed();
      const ctl = new AbortController();
      this.current = ctl;
      this.running = what;
      try {
        return await change(ctl.signal);
      } finally {
        this.current = undefined;
        this.running = undefined;
      }
    });
    void next.then(
      () => this.pending--,
      () => this.pending--,
    );
    // The chain goes on whatever one change did; its caller gets the outcome.
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** No change runs after this one: the one under way is aborted and awaited, the waiting ones are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.current?.abort(new QueueClosed());
    await this.tail;
  }
}
