import { commitAndSettle, type CommitOutcome, type Pending } from '@causeway/event-store';

export interface ConcurrentGroupQueueOptions<TRequest, TResult> {
  /** Commits one group in one transaction; settles each request of it through its outcome. */
  readonly commit: (group: readonly TRequest[]) => Promise<readonly CommitOutcome<TResult>[]>;
  /** Groups (transactions) in flight at once, each on its own connection. */
  readonly lanes: number;
  /** Most requests in one group. */
  readonly maxGroupSize: number;
  /** Most weight (events) in one group; a single heavier request still goes alone. */
  readonly maxGroupWeight: number;
  readonly weigh: (request: TRequest) => number;
  /** Keys no two requests of one group may share: a request repeating one starts the next group. */
  readonly keys: (request: TRequest) => readonly string[];
}

/**
 * Group commit over several connections. The SQLite store has one writer and so one group at a
 * time; PostgreSQL takes concurrent transactions and flushes their commit records together, so up
 * to `lanes` groups run at once and requests that arrive while every lane is busy form the next
 * groups. Flushes are deferred by one turn of the event loop so that callers woken together (by one
 * sequencer batch, say) share a transaction instead of each taking a lane.
 */
export class ConcurrentGroupQueue<TRequest, TResult> {
  private readonly queue: Pending<TRequest, TResult>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: ConcurrentGroupQueueOptions<TRequest, TResult>) {}

  enqueue(request: TRequest): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.lanes) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.lanes && this.queue.length > 0) {
      const group = this.takeGroup();
      this.inFlight++;
      void commitAndSettle(this.options.commit, group).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private takeGroup(): Pending<TRequest, TResult>[] {
    let weight = 0;
    let count = 0;
    const keys = new Set<string>();
    while (count < this.queue.length && count < this.options.maxGroupSize) {
      const request = this.queue[count].request;
      const next = this.options.weigh(request);
      if (count > 0 && weight + next > this.options.maxGroupWeight) break;
      const own = this.options.keys(request);
      if (count > 0 && own.some((key) => keys.has(key))) break;
      for (const key of own) keys.add(key);
      weight += next;
      count++;
    }
    return this.queue.splice(0, count);
  }
}
