import { CatchUpSubscription } from './catch-up-subscription';
import type { ReadAllOptions } from './event-store.port';
import type { StoredEvent } from './event-types';

/** An in-memory log with a manual "new events" signal, to drive the subscription step by step. */
class FakeLog {
  readonly events: StoredEvent[] = [];
  readonly reads: ReadAllOptions[] = [];
  private listeners = new Set<() => void>();
  onRead: (() => void) | null = null;
  failNextRead: Error | null = null;

  append(count: number, type = 'Thing'): void {
    for (let i = 0; i < count; i++) {
      const position = this.events.length + 1;
      this.events.push({
        position,
        streamId: 's',
        version: position,
        id: `e${position}`,
        type,
        data: {},
        metadata: { actor: 'a', occurredAt: '2026-01-01T00:00:00.000Z' },
        occurredAt: '2026-01-01T00:00:00.000Z',
        recordedAt: '2026-01-01T00:00:00.000Z',
        actor: 'a',
        hash: '',
        prevHash: '',
      });
    }
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  readonly wakeUps = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get listenerCount(): number {
    return this.listeners.size;
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    this.reads.push(options);
    if (this.failNextRead) {
      const error = this.failNextRead;
      this.failNextRead = null;
      throw error;
    }
    const page = this.events
      .filter((e) => e.position > options.after && (!options.types || options.types.includes(e.type)))
      .slice(0, options.limit);
    this.onRead?.();
    return page;
  }

  async headPosition(): Promise<number> {
    return this.events.length;
  }
}

const HOUR = 3_600_000;

function recorder() {
  const batches: number[][] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const delivered = () => batches.flat().length;
  return {
    batches,
    positions: () => batches.flat(),
    handler: (events: readonly StoredEvent[]) => {
      batches.push(events.map((e) => e.position));
      for (const waiter of waiters.filter((w) => delivered() >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    until: (count: number) =>
      delivered() >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

describe('CatchUpSubscription', () => {
  it('pages through the backlog, then delivers new events when woken', async () => {
    const log = new FakeLog();
    log.append(5);
    const seen = recorder();
    const subscription = new CatchUpSubscription(log, { after: 0, batchSize: 2, pollIntervalMs: HOUR }, seen.handler, log.wakeUps);

    await seen.until(5);
    expect(seen.batches).toEqual([[1, 2], [3, 4], [5]]);

    log.append(2);
    log.notify();
    await seen.until(7);
    expect(seen.positions()).toEqual([1, 2, 3, 4, 5, 6, 7]);

    await subscription.close();
    expect(subscription.position).toBe(7);
    await expect(subscription.done).resolves.toBeUndefined();
    expect(log.listenerCount).toBe(0);
  });

  it('starts after the given checkpoint', async () => {
    const log = new FakeLog();
    log.append(5);
    const seen = recorder();
    const subscription = new CatchUpSubscription(log, { after: 3, pollIntervalMs: HOUR }, seen.handler, log.wakeUps);
    await seen.until(2);
    await subscription.close();
    expect(seen.positions()).toEqual([4, 5]);
  });

  it('does not miss a wake-up that arrives while a read is in flight', async () => {
    const log = new FakeLog();
    const seen = recorder();
    let first = true;
    log.onRead = () => {
      if (!first) return;
      first = false;
      // A commit lands after the read took its snapshot but before the subscription went idle.
      log.append(1);
      log.notify();
    };
    const readsBefore = log.reads.length;
    const subscription = new CatchUpSubscription(log, { after: 0, pollIntervalMs: HOUR }, seen.handler, log.wakeUps);
    await seen.until(1);
    await subscription.close();
    expect(log.reads.length - readsBefore).toBeGreaterThanOrEqual(2);
    expect(seen.positions()).toEqual([1]);
  });

  it('polls when nothing signals', async () => {
    const log = new FakeLog();
    const seen = recorder();
    const subscription = new CatchUpSubscription(log, { after: 0, pollIntervalMs: 5 }, seen.handler);
    log.append(3);
    await seen.until(3);
    await subscription.close();
    expect(seen.positions()).toEqual([1, 2, 3]);
  });

  it('with a type filter, skips the scanned non-matching tail instead of rescanning it', async () => {
    const log = new FakeLog();
    log.append(1, 'Keep');
    log.append(50, 'Other');
    const seen = recorder();
    const subscription = new CatchUpSubscription(
      log,
      { after: 0, types: ['Keep'], batchSize: 10, pollIntervalMs: HOUR },
      seen.handler,
      log.wakeUps,
    );
    await seen.until(1);
    log.append(1, 'Keep');
    log.notify();
    await seen.until(2);
    await subscription.close();

    expect(seen.positions()).toEqual([1, 52]);
    expect(log.reads.at(-1)?.after).toBeGreaterThanOrEqual(51);
    expect(subscription.position).toBe(52);
  });

  it('stops and rejects done when the handler throws, without advancing its position', async () => {
    const log = new FakeLog();
    log.append(2);
    const failure = new Error('handler failed');
    const subscription = new CatchUpSubscription(
      log,
      { after: 0, pollIntervalMs: HOUR },
      () => {
        throw failure;
      },
      log.wakeUps,
    );
    await expect(subscription.done).rejects.toBe(failure);
    expect(subscription.position).toBe(0);
    expect(log.listenerCount).toBe(0);
    await expect(subscription.close()).resolves.toBeUndefined();
  });

  it('rejects done when reading fails', async () => {
    const log = new FakeLog();
    log.failNextRead = new Error('store unavailable');
    const subscription = new CatchUpSubscription(log, { after: 0, pollIntervalMs: HOUR }, () => undefined, log.wakeUps);
    await expect(subscription.done).rejects.toThrow('store unavailable');
  });

  it('close() waits for the running handler and delivers nothing after', async () => {
    const log = new FakeLog();
    log.append(1);
    let release!: () => void;
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const calls: number[] = [];
    const subscription = new CatchUpSubscription(
      log,
      { after: 0, pollIntervalMs: HOUR },
      async (events) => {
        calls.push(...events.map((e) => e.position));
        entered();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      log.wakeUps,
    );
    await inHandler;
    let closed = false;
    const closing = subscription.close().then(() => {
      closed = true;
    });
    log.append(1);
    log.notify();
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);

    release();
    await closing;
    expect(calls).toEqual([1]);
    expect(subscription.position).toBe(1);
  });

  it('refuses a negative checkpoint', () => {
    const log = new FakeLog();
    expect(() => new CatchUpSubscription(log, { after: -1 }, () => undefined)).toThrow(RangeError);
  });
});
