import type { ActionItemCommandResult, ActionItemCommands } from './action-item-commands';
import type { Clock } from './clock.port';
import { OverdueScheduler, type OverdueCandidate, type OverdueCandidates } from './overdue-scheduler';

const clock: Clock = { now: () => new Date('2026-11-22T10:00:00.000Z') };

/** Candidates as a lagging read model offers them: what is marked disappears only once "projected". */
class FakeReadModel implements OverdueCandidates {
  readonly unmarked = new Map<string, string>();
  readonly marked = new Set<string>();
  projectedUpTo = 0;
  queries = 0;

  constructor(count: number) {
    for (let i = 0; i < count; i++) this.unmarked.set(`item-${String(i).padStart(4, '0')}`, '2026-11-22T09:00:00.000Z');
  }

  async dueForOverdue(_now: string, limit: number): Promise<OverdueCandidate[]> {
    this.queries++;
    return [...this.unmarked].slice(0, limit).map(([id, dueAt]) => ({ id, dueAt }));
  }

  /** The projector applying everything up to `position`. */
  project(): void {
    for (const id of this.marked) this.unmarked.delete(id);
  }
}

function fakeCommands(model: FakeReadModel, failing = new Set<string>()) {
  let position = 0;
  const calls: string[] = [];
  const commands = {
    async markOverdue(actionItemId: string): Promise<ActionItemCommandResult> {
      calls.push(actionItemId);
      if (failing.has(actionItemId)) throw new Error('store unavailable');
      const fresh = !model.marked.has(actionItemId);
      model.marked.add(actionItemId);
      position++;
      return {
        actionItemId,
        streamId: `action-item-${actionItemId}`,
        version: 2,
        position,
        state: null,
        events: fresh ? [{ id: `e-${actionItemId}`, type: 'ActionItemBecameOverdue', data: {}, metadata: { actor: 'system:overdue-scheduler', occurredAt: '2026-11-22T10:00:00.000Z' } }] : [],
        replayed: false,
      };
    },
  } as unknown as ActionItemCommands;
  return { commands, calls };
}

describe('OverdueScheduler', () => {
  it('marks everything due in rounds, waiting for the projection between rounds so nothing is offered twice', async () => {
    const model = new FakeReadModel(25);
    const { commands, calls } = fakeCommands(model);
    const waits: number[] = [];
    const scheduler = new OverdueScheduler(model, commands, clock, {
      intervalMs: 1000,
      batchSize: 10,
      concurrency: 3,
      waitForProjection: async (position) => {
        waits.push(position);
        model.project();
        return true;
      },
    });
    expect(await scheduler.tick()).toEqual({ checked: 25, marked: 25, failed: 0 });
    expect(calls).toHaveLength(25);
    expect(new Set(calls).size).toBe(25);
    expect(waits).toEqual([10, 20, 25]);
    expect(await scheduler.tick()).toEqual({ checked: 0, marked: 0, failed: 0 });
  });

  it('ends a tick when the projection does not catch up, instead of marking the same items again', async () => {
    const model = new FakeReadModel(20);
    const { commands, calls } = fakeCommands(model);
    const scheduler = new OverdueScheduler(model, commands, clock, { intervalMs: 1000, batchSize: 10, waitForProjection: async () => false });
    expect(await scheduler.tick()).toEqual({ checked: 10, marked: 10, failed: 0 });
    expect(calls).toHaveLength(10);
  });

  it('stops a tick whose round marked nothing new (a stale read model), so it never spins', async () => {
    const model = new FakeReadModel(10);
    for (const id of model.unmarked.keys()) model.marked.add(id);
    const { commands } = fakeCommands(model);
    const scheduler = new OverdueScheduler(model, commands, clock, { intervalMs: 1000, batchSize: 10, waitForProjection: async () => true });
    expect(await scheduler.tick()).toEqual({ checked: 10, marked: 0, failed: 0 });
    expect(model.queries).toBe(1);
  });

  it('counts and logs a failing mark and carries on with the others', async () => {
    const model = new FakeReadModel(5);
    const { commands } = fakeCommands(model, new Set(['item-0002']));
    const errors: string[] = [];
    const scheduler = new OverdueScheduler(model, commands, clock, {
      intervalMs: 1000,
      waitForProjection: async () => true,
      logger: { log: () => undefined, error: (message) => errors.push(message) },
    });
    expect(await scheduler.tick()).toEqual({ checked: 5, marked: 4, failed: 1 });
    expect(errors).toEqual(['Marking action item item-0002 overdue failed: store unavailable']);
  });

  it('never runs two ticks at once: a tick asked for while one runs joins it', async () => {
    const model = new FakeReadModel(3);
    const { commands, calls } = fakeCommands(model);
    const scheduler = new OverdueScheduler(model, commands, clock, { intervalMs: 1000, waitForProjection: async () => true });
    const [a, b] = [scheduler.tick(), scheduler.tick()];
    expect(a).toBe(b);
    await a;
    expect(calls).toHaveLength(3);
  });

  it('ticks at start-up, and stop() waits for the tick in progress', async () => {
    const model = new FakeReadModel(2);
    const { commands } = fakeCommands(model);
    let release: () => void = () => undefined;
    const projected = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const ticking = new Promise<void>((resolve) => (started = resolve));
    const scheduler = new OverdueScheduler(model, commands, clock, {
      intervalMs: 60_000,
      waitForProjection: async () => {
        started();
        await projected;
        model.project();
        return true;
      },
    });
    scheduler.start();
    await ticking;
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(model.marked.size).toBe(2);
  });

  it('wakes when the next known due date comes, if that is sooner than the interval', async () => {
    let now = Date.parse('2026-11-22T10:00:00.000Z');
    const moving: Clock = { now: () => new Date(now) };
    const model = new FakeReadModel(0);
    const asked: string[] = [];
    const candidates: OverdueCandidates = {
      dueForOverdue: (at, limit) => {
        asked.push(at);
        return model.dueForOverdue(at, limit);
      },
      nextDueAfter: async (at) => (at < '2026-11-22T10:00:00.040Z' ? '2026-11-22T10:00:00.040Z' : null),
    };
    const { commands } = fakeCommands(model);
    const scheduler = new OverdueScheduler(candidates, commands, moving, { intervalMs: 3_600_000, waitForProjection: async () => true });
    const second = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (asked.length >= 2) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    scheduler.start();
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (asked.length >= 1) {
          clearInterval(poll);
          resolve();
        }
      }, 1);
    });
    now += 41;
    await second;
    await scheduler.stop();
    // An hour's interval, yet the second tick came at the due date.
    expect(asked).toHaveLength(2);
  });
});
