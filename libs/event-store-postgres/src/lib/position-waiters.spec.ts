import { StoreUnavailableError } from '@causeway/event-store';
import { PositionWaiters } from './position-waiters';

type Key = readonly [transactionId: string, seq: string];

describe('PositionWaiters', () => {
  let sequenced: Map<string, number>;
  let lookups: Key[][];
  let failLookups: Error | null;
  let waiters: PositionWaiters;

  beforeEach(() => {
    jest.useFakeTimers();
    sequenced = new Map();
    lookups = [];
    failLookups = null;
    waiters = new PositionWaiters({
      lookup: async (keys) => {
        lookups.push([...keys]);
        if (failLookups) throw failLookups;
        return new Map(keys.filter(([, seq]) => sequenced.has(seq)).map(([, seq]) => [seq, sequenced.get(seq) as number]));
      },
      timeoutMs: 1000,
      pollIntervalMs: 50,
    });
  });

  afterEach(() => {
    waiters.failAll(new Error('test over'));
    jest.useRealTimers();
  });

  it('resolves every waiter of a row from the local sequencer batch, without a lookup', async () => {
    const first = waiters.wait('7', '42', false);
    const second = waiters.wait('7', '42', false);
    waiters.resolveBatch(['41', '42'], [9, 10]);
    await expect(Promise.all([first, second])).resolves.toEqual([10, 10]);
    expect(lookups).toEqual([]);
    expect(waiters.size).toBe(0);
  });

  it('looks up at once when asked to, and later by poll for waiters a batch did not resolve', async () => {
    sequenced.set('5', 3);
    await expect(waiters.wait('1', '5', true)).resolves.toBe(3);
    expect(lookups).toEqual([[['1', '5']]]);

    let settled = false;
    const late = waiters.wait('2', '6', false).finally(() => (settled = true));
    await jest.advanceTimersByTimeAsync(50);
    expect(lookups).toEqual([[['1', '5']], [['2', '6']]]);
    expect(settled).toBe(false);
    sequenced.set('6', 4);
    await jest.advanceTimersByTimeAsync(50);
    await expect(late).resolves.toBe(4);
    expect(lookups).toHaveLength(3);
  });

  it('reports a commit that is never sequenced as unavailable after the timeout', async () => {
    const stuck = waiters.wait('3', '8', false);
    const assertion = expect(stuck).rejects.toBeInstanceOf(StoreUnavailableError);
    await jest.advanceTimersByTimeAsync(1100);
    await assertion;
    await expect(waiters.whenIdle()).resolves.toBeUndefined();
  });

  it('rejects every waiter when a lookup fails (the database is gone)', async () => {
    const lost = new StoreUnavailableError('gone');
    failLookups = lost;
    const a = waiters.wait('1', '1', false);
    const b = waiters.wait('1', '2', true);
    await expect(a).rejects.toBe(lost);
    await expect(b).rejects.toBe(lost);
    expect(waiters.size).toBe(0);
  });
});
