import type { ActionItem } from '@causeway/domain';
import type { ActionItemCommands } from './action-item-commands';
import type { Clock } from './clock.port';

/** An item past due with no `ActionItemBecameOverdue` for that due date yet, as a read model sees it. */
export interface OverdueCandidate {
  readonly id: string;
  readonly dueAt: string;
  /** The item and its stream version as the read model holds them, when it can tell. */
  readonly seen?: { readonly version: number; readonly state: ActionItem };
}

/** Port: where the scheduler finds candidates (the action-item projection). */
export interface OverdueCandidates {
  /** Oldest due first, at most `limit`. */
  dueForOverdue(now: string, limit: number): Promise<OverdueCandidate[]>;
  /** The earliest due date after `now` still to be marked, if any: the scheduler wakes then. */
  nextDueAfter?(now: string): Promise<string | null>;
}

export interface OverdueSchedulerLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface OverdueSchedulerOptions {
  /**
   * Between the end of one tick and the start of the next (`CAUSEWAY_SCHEDULER_INTERVAL_MS`), or
   * less when an item the read model knows falls due sooner.
   */
  readonly intervalMs: number;
  /** Candidates read per round. Default 5,000. */
  readonly batchSize?: number;
  /** Mark commands in flight at once (the store groups their commits). Default 128. */
  readonly concurrency?: number;
  /**
   * Resolves once the read model has applied the log up to `position`, so the next round does not
   * see the items this round marked. False on timeout: the tick then ends and the next one retries.
   */
  readonly waitForProjection: (position: number) => Promise<boolean>;
  readonly logger?: OverdueSchedulerLogger;
}

export interface TickResult {
  /** Candidates the read model offered. */
  readonly checked: number;
  /** `ActionItemBecameOverdue` events this tick appended. */
  readonly marked: number;
  /** Commands that failed (logged; the next tick retries them). */
  readonly failed: number;
}

/** Ends a tick that keeps finding only stale candidates instead of spinning on them. */
const MAX_ROUNDS_PER_TICK = 100;

/**
 * Records `ActionItemBecameOverdue` once per item and due date. Safe to run in every process: the
 * candidates come from a read model that may lag, so each mark goes through the decider (a stale
 * one decides nothing) under an idempotency seed derived from (item, due date). Two schedulers
 * racing for one item produce the same event id at the same stream version; one append wins, the
 * other finds the event there and does nothing. Restarts lose nothing: the candidates are whatever
 * the log says is past due and unmarked, whenever the scheduler next looks.
 */
export class OverdueScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TickResult> | null = null;
  private started = false;
  /** Set by `stop()`: a tick in progress ends after its current round. */
  private stopping = false;

  constructor(
    private readonly candidates: OverdueCandidates,
    private readonly commands: ActionItemCommands,
    private readonly clock: Clock,
    private readonly options: OverdueSchedulerOptions,
  ) {}

  /** Ticks at once (a due date may have passed while no scheduler ran), then every interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(0);
  }

  /** Stops ticking and waits for a tick in progress to finish. */
  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass over everything past due now; ticks never overlap. */
  tick(): Promise<TickResult> {
    if (this.running !== null) return this.running;
    const run = this.markAll().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick()
        .then((result) => {
          if (result.marked > 0 || result.failed > 0) {
            this.options.logger?.log(`Overdue scheduler marked ${result.marked} action item(s) overdue (${result.failed} failed)`);
          }
        })
        .catch((error: unknown) => this.options.logger?.error(`Overdue scheduler tick failed: ${describe(error)}`))
        .then(() => this.nextDelay())
        .then((delay) => this.schedule(delay));
    }, delayMs);
    this.timer.unref();
  }

  /** The interval, or less if a known due date comes sooner (a millisecond after it, so it has passed). */
  private async nextDelay(): Promise<number> {
    const interval = this.options.intervalMs;
    if (this.candidates.nextDueAfter === undefined) return interval;
    try {
      const now = this.clock.now();
      const next = await this.candidates.nextDueAfter(now.toISOString());
      if (next === null) return interval;
      return Math.max(0, Math.min(interval, Date.parse(next) - now.getTime() + 1));
    } catch (error) {
      this.options.logger?.error(`Overdue scheduler could not read the next due date: ${describe(error)}`);
      return interval;
    }
  }

  private async markAll(): Promise<TickResult> {
    const batchSize = this.options.batchSize ?? 5_000;
    let checked = 0;
    let marked = 0;
    let failed = 0;
    for (let round = 0; round < MAX_ROUNDS_PER_TICK && !this.stopping; round++) {
      const now = this.clock.now().toISOString();
      const due = await this.candidates.dueForOverdue(now, batchSize);
      checked += due.length;
      const outcome = await this.markBatch(due);
      marked += outcome.marked;
      failed += outcome.failed;
      if (outcome.marked === 0) break;
      // The next round (or tick) must not be offered what this one just marked.
      if (!(await this.options.waitForProjection(outcome.lastPosition)) || due.length < batchSize) break;
    }
    return { checked, marked, failed };
  }

  private async markBatch(due: readonly OverdueCandidate[]): Promise<{ marked: number; failed: number; lastPosition: number }> {
    let marked = 0;
    let failed = 0;
    let lastPosition = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length) {
        const candidate = due[next++];
        try {
          const result = await this.commands.markOverdue(candidate.id, candidate.dueAt, candidate.seen);
          if (result.events.length > 0 && !result.replayed) marked++;
          lastPosition = Math.max(lastPosition, result.position);
        } catch (error) {
          failed++;
          this.options.logger?.error(`Marking action item ${candidate.id} overdue failed: ${describe(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 128, due.length) }, worker));
    return { marked, failed, lastPosition };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
