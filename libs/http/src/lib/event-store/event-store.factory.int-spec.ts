import { join } from 'node:path';
import { StoreUnavailableError, type EventStore } from '@causeway/event-store';
import { tempDir, type TempDir } from '@causeway/testing';
import { createEventStore } from './event-store.factory';

describe('createEventStore', () => {
  let dir: TempDir;
  const open: EventStore[] = [];

  beforeEach(async () => {
    dir = await tempDir('causeway-factory');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    await dir.cleanup();
  });

  it('creates the data directory through the factory; other backends really connect', async () => {
    const store = await createEventStore({ store: 'sqlite', dataDir: join(dir.path, 'nested', 'data') });
    open.push(store);
    expect(await store.ping()).toBe(true);
    await expect(createEventStore({ store: 'postgres', databaseUrl: 'postgres://127.0.0.1:1/causeway' })).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
