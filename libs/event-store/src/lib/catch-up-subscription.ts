import type { EventEmitter } from 'node:events';
import type { EventStore, SubscribeOptions, Subscription, SubscriptionHandler } from './event-store.port';
import type { StoredEvent } from './event-types';

/** Registers a listener for "new events may be readable"; returns the unregister function. */
export type WakeUpSource = (listener: () => void) => () => void;

export interface CatchUpSubscriptionOptions extends SubscribeOptions {
  /**
   * In-process wake-ups cannot see commits made by other processes (the CLI, a second server on the
   * same file), so the subscription also re-reads this often while idle. 250 ms by default.
   */
  readonly pollIntervalMs?: number;
}

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_POLL_MS = 250;

/**
 * Backend-agnostic catch-up-then-live subscription over `readAll`: it pages from `after` until a
 * page comes back empty, then waits for a wake-up (or the poll timer) and pages again. One loop does
 * both phases, so events appended while catching up are simply in a later page: each event is
 * delivered exactly once, in position order, as long as `readAll` returns a gap-free prefix.
 */
export class CatchUpSubscription implements Subscription {
  readonly done: Promise<void>;
  private cursor: number;
  private delivered: number;
  private closed = false;
  private wakeSeq = 0;
  private wakeWaiter: (() => void) | null = null;
  private readonly unregister: () => void;
  private readonly loop: Promise<void>;

  constructor(
    private readonly source: Pick<EventStore, 'readAll' | 'headPosition'>,
    private readonly options: CatchUpSubscriptionOptions,
    private readonly handler: SubscriptionHandler,
    wakeUps?: WakeUpSource,
  ) {
    if (!Number.isInteger(options.after) || options.after < 0) {
      throw new RangeError(`subscribe: after must be a non-negative integer, got ${options.after}`);
    }
    this.cursor = options.after;
    this.delivered = options.after;
    this.unregister = wakeUps ? wakeUps(() => this.wake()) : () => undefined;
    this.loop = this.run();
    this.done = this.loop;
    // `done` may legitimately go unobserved; its rejection is still reported to whoever awaits it.
    this.done.catch(() => undefined);
  }

  get position(): number {
    return this.delivered;
  }

  /** Stops delivery and resolves once no handler call is running. Do not await it inside the handler. */
  async close(): Promise<void> {
    this.stop();
    await this.loop.catch(() => undefined);
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.unregister();
    this.wake();
  }

  private wake(): void {
    this.wakeSeq++;
    const waiter = this.wakeWaiter;
    this.wakeWaiter = null;
    waiter?.();
  }

  private async run(): Promise<void> {
    const limit = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    const types = this.options.types;
    try {
      while (!this.closed) {
        const seenWakeSeq = this.wakeSeq;
        const read = await this.readPage(limit, types);
        if (read === null || this.closed) break;
        const { page, headBefore } = read;
        if (page.length > 0) {
          await this.deliver(page);
        }
        if (page.length < limit) {
          if (headBefore > this.cursor) this.cursor = headBefore;
          if (page.length === 0 && seenWakeSeq === this.wakeSeq) await this.idle();
        }
      }
    } catch (error) {
      this.stop();
      throw error;
    }
  }

  private async readPage(
    limit: number,
    types: readonly string[] | undefined,
  ): Promise<{ page: StoredEvent[]; headBefore: number } | null> {
    try {
      // With a type filter a page may end far below the head; everything up to a head read
      // before the page has then been scanned, so the next read can start there.
      const headBefore = types ? await this.source.headPosition() : 0;
      const page = await this.source.readAll({ after: this.cursor, limit, types });
      return { page, headBefore };
    } catch (error) {
      // A read cut short by close() (the store shutting down under it) is not a failure.
      if (this.closed) return null;
      throw error;
    }
  }

  private async deliver(page: readonly StoredEvent[]): Promise<void> {
    await this.handler(page);
    const last = page[page.length - 1].position;
    this.cursor = last;
    this.delivered = last;
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake(), this.options.pollIntervalMs ?? DEFAULT_POLL_MS);
      timer.unref();
      this.wakeWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * What every adapter's `subscribe` does: a catch-up subscription woken by the adapter's own
 * "new events" signal, tracked in `open` until it ends (so `close()` can stop the rest).
 */
export function openTrackedSubscription(
  source: Pick<EventStore, 'readAll' | 'headPosition'>,
  options: CatchUpSubscriptionOptions,
  handler: SubscriptionHandler,
  signal: { readonly emitter: EventEmitter; readonly event: string },
  open: Set<CatchUpSubscription>,
): CatchUpSubscription {
  const subscription = new CatchUpSubscription(source, options, handler, (listener) => {
    signal.emitter.on(signal.event, listener);
    return () => signal.emitter.off(signal.event, listener);
  });
  open.add(subscription);
  const forget = (): void => {
    open.delete(subscription);
  };
  subscription.done.then(forget, forget);
  return subscription;
}
