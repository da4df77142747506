import { GroupCommitQueue, type CommitOutcome } from './group-commit-queue';

/** A scheduler the test runs by hand, so grouping does not depend on timing. */
function manualScheduler() {
  const queued: (() => void)[] = [];
  return {
    schedule: (run: () => void) => {
      queued.push(run);
    },
    runAll: () => {
      for (const run of queued.splice(0)) run();
    },
    get scheduled() {
      return queued.length;
    },
  };
}

const settle = async <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('GroupCommitQueue', () => {
  it('commits requests that arrive before the flush as one group', async () => {
    const scheduler = manualScheduler();
    const groups: number[][] = [];
    const queue = new GroupCommitQueue<number, number>({
      schedule: scheduler.schedule,
      commit: (group) => {
        groups.push([...group]);
        return group.map((n) => ({ ok: true, value: n * 10 }));
      },
    });

    const results = [queue.enqueue(1), queue.enqueue(2), queue.enqueue(3)];
    expect(scheduler.scheduled).toBe(1);
    expect(queue.pending).toBe(3);
    scheduler.runAll();

    expect(await Promise.all(results)).toEqual([10, 20, 30]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('rejects only the requests whose own outcome failed', async () => {
    const scheduler = manualScheduler();
    const queue = new GroupCommitQueue<string, string>({
      schedule: scheduler.schedule,
      commit: (group) =>
        group.map((r): CommitOutcome<string> => (r === 'bad' ? { ok: false, error: new Error('conflict') } : { ok: true, value: r })),
    });
    const results = ['a', 'bad', 'c'].map((r) => settle(queue.enqueue(r)));
    scheduler.runAll();

    expect(await Promise.all(results)).toEqual([
      { ok: true, value: 'a' },
      { ok: false, error: new Error('conflict') },
      { ok: true, value: 'c' },
    ]);
  });

  it('fails the whole group when the commit itself throws', async () => {
    const scheduler = manualScheduler();
    const failure = new Error('disk full');
    const queue = new GroupCommitQueue<number, number>({
      schedule: scheduler.schedule,
      commit: () => {
        throw failure;
      },
    });
    const results = [1, 2].map((n) => settle(queue.enqueue(n)));
    scheduler.runAll();
    expect(await Promise.all(results)).toEqual([
      { ok: false, error: failure },
      { ok: false, error: failure },
    ]);
  });

  it('answers nobody before the commit has returned', async () => {
    const scheduler = manualScheduler();
    const log: string[] = [];
    let finishCommit!: () => void;
    const queue = new GroupCommitQueue<number, number>({
      schedule: scheduler.schedule,
      commit: async (group) => {
        log.push('commit started');
        await new Promise<void>((resolve) => {
          finishCommit = resolve;
        });
        log.push('commit returned');
        return group.map((n) => ({ ok: true, value: n }));
      },
    });
    const result = queue.enqueue(1).then(() => log.push('caller answered'));
    scheduler.runAll();
    await Promise.resolve();
    expect(log).toEqual(['commit started']);
    finishCommit();
    await result;
    expect(log).toEqual(['commit started', 'commit returned', 'caller answered']);
  });

  it('queues requests that arrive while a commit is running into the next group', async () => {
    const scheduler = manualScheduler();
    const groups: number[][] = [];
    const releases: (() => void)[] = [];
    const queue = new GroupCommitQueue<number, number>({
      schedule: scheduler.schedule,
      commit: async (group) => {
        groups.push([...group]);
        await new Promise<void>((resolve) => releases.push(resolve));
        return group.map((n) => ({ ok: true, value: n }));
      },
    });

    const first = queue.enqueue(1);
    scheduler.runAll();
    const later = [queue.enqueue(2), queue.enqueue(3)];
    expect(scheduler.scheduled).toBe(0);
    releases[0]();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(scheduler.scheduled).toBe(1);
    scheduler.runAll();
    releases[1]();

    expect(await Promise.all(later)).toEqual([2, 3]);
    expect(groups).toEqual([[1], [2, 3]]);
  });

  it('splits a backlog into groups of at most maxGroupSize', async () => {
    const groups: number[][] = [];
    const queue = new GroupCommitQueue<number, number>({
      maxGroupSize: 2,
      commit: (group) => {
        groups.push([...group]);
        return group.map((n) => ({ ok: true, value: n }));
      },
    });
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => queue.enqueue(n)))).toEqual([1, 2, 3, 4, 5]);
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('flush() commits what is queued without waiting for the scheduler', async () => {
    const scheduler = manualScheduler();
    const queue = new GroupCommitQueue<number, number>({
      schedule: scheduler.schedule,
      commit: (group) => group.map((n) => ({ ok: true, value: n })),
    });
    const result = queue.enqueue(7);
    await queue.flush();
    expect(await result).toBe(7);
    expect(queue.pending).toBe(0);
    scheduler.runAll();
  });

  it('refuses a commit that answers for the wrong number of requests', async () => {
    const queue = new GroupCommitQueue<number, number>({ commit: () => [] });
    await expect(queue.enqueue(1)).rejects.toThrow(/0 outcomes for 1 requests/);
  });
});
