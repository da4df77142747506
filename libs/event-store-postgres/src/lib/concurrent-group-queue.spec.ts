import { ConcurrentGroupQueue } from './concurrent-group-queue';

interface Request {
  readonly name: string;
  readonly weight?: number;
  readonly keys?: readonly string[];
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function queue(options: { lanes?: number; maxGroupSize?: number; maxGroupWeight?: number; hold?: Promise<void> } = {}) {
  const groups: string[][] = [];
  let running = 0;
  let maxRunning = 0;
  const q = new ConcurrentGroupQueue<Request, string>({
    lanes: options.lanes ?? 2,
    maxGroupSize: options.maxGroupSize ?? 10,
    maxGroupWeight: options.maxGroupWeight ?? 100,
    weigh: (request) => request.weight ?? 1,
    keys: (request) => request.keys ?? [],
    commit: async (group) => {
      groups.push(group.map((r) => r.name));
      running++;
      maxRunning = Math.max(maxRunning, running);
      await options.hold;
      running--;
      return group.map((r) => (r.name.startsWith('bad') ? { ok: false as const, error: new Error(r.name) } : { ok: true as const, value: `done ${r.name}` }));
    },
  });
  return { q, groups, maxRunning: () => maxRunning };
}

describe('ConcurrentGroupQueue', () => {
  it('commits requests made in the same turn together and answers each with its own outcome', async () => {
    const { q, groups } = queue();
    const results = await Promise.allSettled(['a', 'bad-b', 'c'].map((name) => q.enqueue({ name })));
    expect(groups).toEqual([['a', 'bad-b', 'c']]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'done a' },
      { status: 'rejected', reason: new Error('bad-b') },
      { status: 'fulfilled', value: 'done c' },
    ]);
  });

  it('runs up to `lanes` groups at once and queues the rest into the next group', async () => {
    const gate = deferred();
    const { q, groups, maxRunning } = queue({ lanes: 2, maxGroupSize: 2, hold: gate.promise });
    const pending = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => q.enqueue({ name }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    gate.resolve();
    await Promise.all(pending);
    expect(groups).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
    expect(maxRunning()).toBe(2);
  });

  it('starts a new group at a repeated key and when the weight limit would be passed', async () => {
    const { q, groups } = queue({ lanes: 1, maxGroupWeight: 5 });
    await Promise.all([
      q.enqueue({ name: 'a', keys: ['x'] }),
      q.enqueue({ name: 'b', keys: ['y'] }),
      q.enqueue({ name: 'c', keys: ['x'] }),
      q.enqueue({ name: 'd', weight: 4 }),
      q.enqueue({ name: 'e', weight: 9 }),
    ]);
    expect(groups).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails the whole group when its commit throws, and only that group', async () => {
    let calls = 0;
    const q = new ConcurrentGroupQueue<Request, string>({
      lanes: 1,
      maxGroupSize: 2,
      maxGroupWeight: 100,
      weigh: () => 1,
      keys: () => [],
      commit: async (group) => {
        if (calls++ === 0) throw new Error('connection lost');
        return group.map((r) => ({ ok: true as const, value: r.name }));
      },
    });
    const results = await Promise.allSettled(['a', 'b', 'c'].map((name) => q.enqueue({ name })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});
