import { StoreUnavailableError } from '@causeway/event-store';

export interface PositionWaitersOptions {
  /** Positions (by seq) of those event rows, given as (transaction id, seq), that are sequenced; the others are left out. */
  readonly lookup: (keys: readonly (readonly [transactionId: string, seq: string])[]) => Promise<ReadonlyMap<string, number>>;
  /** An acknowledged commit whose events get no position in this time is reported unavailable. */
  readonly timeoutMs: number;
  /** Waiters not resolved by a batch or a notification are looked up this often. */
  readonly pollIntervalMs: number;
}

interface Waiter {
  readonly transactionId: string;
  readonly since: number;
  readonly resolve: (position: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Appends that committed and now wait for the sequencer to give their last event a position,
 * keyed by that event's `seq` (unique on its own: it comes from one sequence). A sequencer in this process resolves them straight from its batches;
 * otherwise (the sequencer runs elsewhere, or leadership changed hands mid-wait) they are looked
 * up in `event_log` when a "sequenced" notification arrives and by a slow poll.
 */
export class PositionWaiters {
  private readonly pending = new Map<string, Waiter[]>();
  private checking = false;
  private checkAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: PositionWaitersOptions) {}

  get size(): number {
    return this.pending.size;
  }

  /** Resolves with the position of row (transactionId, seq); `lookNow` when it may well be sequenced already. */
  wait(transactionId: string, seq: string, lookNow: boolean): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { transactionId, since: Date.now(), resolve, reject };
      const list = this.pending.get(seq);
      if (list) list.push(waiter);
      else this.pending.set(seq, [waiter]);
      this.timer ??= setInterval(() => this.tick(), this.options.pollIntervalMs).unref();
      if (lookNow) this.check();
    });
  }

  /** Called with every batch the local sequencer wrote. */
  resolveBatch(seqs: readonly string[], positions: readonly number[]): void {
    if (this.pending.size === 0) return;
    for (let i = 0; i < seqs.length; i++) {
      const list = this.pending.get(seqs[i]);
      if (list) this.settle(seqs[i], list, positions[i]);
    }
  }

  /** Looks every waiter up (coalesced: at most one lookup runs, and one more after it if asked). */
  check(onlyOlderThanMs = 0): void {
    if (this.checking) {
      this.checkAgain = true;
      return;
    }
    const cutoff = Date.now() - onlyOlderThanMs;
    const keys = [...this.pending].filter(([, list]) => list[0].since <= cutoff).map(([seq, list]) => [list[0].transactionId, seq] as const);
    if (keys.length === 0) return;
    this.checking = true;
    this.options
      .lookup(keys)
      .then(
        (found) => {
          for (const [seq, position] of found) {
            const list = this.pending.get(seq);
            if (list) this.settle(seq, list, position);
          }
        },
        (error: unknown) => this.failAll(error),
      )
      .finally(() => {
        this.checking = false;
        if (this.checkAgain) {
          this.checkAgain = false;
          this.check();
        }
      });
  }

  /** Rejects every waiter, e.g. when the database is gone and no position can be learnt. */
  failAll(error: unknown): void {
    const lists = [...this.pending.values()];
    this.pending.clear();
    for (const list of lists) for (const waiter of list) waiter.reject(error);
    this.idle();
  }

  /** Resolves once no append waits (they resolve, fail or time out). */
  whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(seq: string, list: readonly Waiter[], position: number): void {
    this.pending.delete(seq);
    for (const waiter of list) waiter.resolve(position);
    if (this.pending.size === 0) this.idle();
  }

  private tick(): void {
    const expired = Date.now() - this.options.timeoutMs;
    for (const [seq, list] of this.pending) {
      if (list[0].since > expired) continue;
      this.pending.delete(seq);
      const error = new StoreUnavailableError(
        `the append committed but was not sequenced within ${this.options.timeoutMs} ms (is a transaction holding the log back, ` +
          'or no sequencer running?); appending the same event ids again returns its result once it is',
      );
      for (const waiter of list) waiter.reject(error);
    }
    if (this.pending.size === 0) this.idle();
    else this.check(this.options.pollIntervalMs);
  }

  private idle(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
