import { EventStoreAdapter } from './event-store-adapter';
import { StoreUnavailableError, type ReadStreamOptions } from './event-store.port';
import { EventTypes, UnknownEventTypeError, type StoredEvent } from './event-types';

function stored(type: string, version: number): StoredEvent {
  return {
    position: version,
    streamId: 's',
    version,
    id: `e${version}`,
    type,
    data: {},
    metadata: { actor: 'a', occurredAt: '2026-01-01T00:00:00.000Z' },
    occurredAt: '2026-01-01T00:00:00.000Z',
    recordedAt: '2026-01-01T00:00:00.000Z',
    actor: 'a',
    hash: 'h',
    prevHash: 'p',
  };
}

/** Only what the base class drives; the rest is never called here. */
class FakeAdapter extends EventStoreAdapter {
  readonly backend = 'fake';
  readonly calls: string[] = [];
  drainFails = false;
  events: StoredEvent[] = [];
  append = () => Promise.reject(new Error('not used'));
  streamVersion = () => Promise.resolve(0);
  readAll = () => Promise.resolve([]);
  findEvent = () => Promise.resolve(null);
  headPosition = () => Promise.resolve(0);
  subscribe = () => {
    throw new Error('not used');
  };
  verify = () => Promise.resolve({ ok: true, checked: 0, firstBrokenPosition: null });
  ping = () => Promise.resolve(this.isOpen);

  protected async readStoredStream(_streamId: string, _options: ReadStreamOptions): Promise<StoredEvent[]> {
    this.ensureReadable();
    return this.events;
  }
  protected async drain(): Promise<void> {
    this.calls.push('drain');
    // Appends stop at once, reads go on while draining.
    expect(() => this.ensureOpen()).toThrow(StoreUnavailableError);
    expect(() => this.ensureReadable()).not.toThrow();
    if (this.drainFails) throw new Error('drain failed');
  }
  protected async release(): Promise<void> {
    this.calls.push('release');
  }
}

describe('EventStoreAdapter', () => {
  it('closes once: drain, then release; later calls share the first close', async () => {
    const store = new FakeAdapter();
    expect(await store.ping()).toBe(true);
    await Promise.all([store.close(), store.close()]);
    await store.close();
    expect(store.calls).toEqual(['drain', 'release']);
    expect(await store.ping()).toBe(false);
    await expect(store.readStream('s')).rejects.toThrow(StoreUnavailableError);
  });

  it('releases even when draining fails', async () => {
    const store = new FakeAdapter();
    store.drainFails = true;
    await expect(store.close()).rejects.toThrow('drain failed');
    expect(store.calls).toEqual(['drain', 'release']);
  });

  it('checks every event of a typed read against its event types', async () => {
    const store = new FakeAdapter();
    const types = new EventTypes<{ type: 'A'; data: object }>(['A']);
    store.events = [stored('A', 1)];
    expect((await store.readStream('s', { eventTypes: types })).map((event) => event.type)).toEqual(['A']);
    store.events = [stored('A', 1), stored('B', 2)];
    await expect(store.readStream('s', { eventTypes: types })).rejects.toThrow(UnknownEventTypeError);
    expect(await store.readStream('s')).toHaveLength(2);
  });
});
