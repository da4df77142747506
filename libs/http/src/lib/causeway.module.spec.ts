import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@causeway/config';
import { tmpdir } from 'node:os';
import { CausewayModule } from './causeway.module';
import type { CausewayRole } from './causeway.options';

/**
 * Nest runs lifecycle hooks module by module, ordered by the import graph. These doubles record
 * what each job does, so that the order the split lifecycle produces is pinned for every role.
 */
const mockCalls: string[] = [];
const mockRecord =
  (name: string, result?: unknown) =>
  (): Promise<unknown> => {
    mockCalls.push(name);
    return Promise.resolve(result);
  };

jest.mock('./event-store/event-store.factory', () => ({
  ...jest.requireActual<object>('./event-store/event-store.factory'),
  createEventStore: () => Promise.resolve({ close: mockRecord('store close') }),
}));

jest.mock('@causeway/read-models', () => ({
  ...jest.requireActual<object>('@causeway/read-models'),
  createReadModelDataSource: () => Promise.resolve({ isInitialized: true, destroy: mockRecord('data source destroy') }),
  Projector: class {
    start = mockRecord('projector start');
    isLeader = () => true;
    catchUp = mockRecord('projector catch-up', 0);
    stop = mockRecord('projector stop');
    waitFor = () => Promise.resolve(true);
    onApplied = () => () => undefined;
  },
  ApiKeyQueries: class {
    count = () => Promise.resolve(0);
  },
  TypeormIdempotencyStore: class {},
}));

jest.mock('@causeway/application', () => ({
  ...jest.requireActual<object>('@causeway/application'),
  ApiKeyCommands: class {
    create = mockRecord('first admin key', { id: 'admin', key: 'secret', position: 1 });
  },
  OverdueScheduler: class {
    start = () => void mockCalls.push('scheduler start');
    stop = mockRecord('scheduler stop');
  },
}));

jest.mock('./common/idempotency-purge.job', () => {
  const { Injectable } = jest.requireActual<typeof import('@nestjs/common')>('@nestjs/common');
  @Injectable()
  class IdempotencyPurgeJob {
    onApplicationBootstrap = () => void mockCalls.push('purge timer start');
    onApplicationShutdown = () => void mockCalls.push('purge timer stop');
  }
  return { IdempotencyPurgeJob };
});

async function lifecycleOf(role: CausewayRole): Promise<{ boot: string[]; shutdown: string[] }> {
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const config = loadConfig({ CAUSEWAY_DATA_DIR: tmpdir(), CAUSEWAY_LOG_LEVEL: 'error' });
    const app = await NestFactory.createApplicationContext(CausewayModule.forRoot({ config, role }), { logger: false });
    const boot = mockCalls.splice(0);
    await app.close();
    return { boot, shutdown: mockCalls.splice(0) };
  } finally {
    stdout.mockRestore();
  }
}

const SHUTDOWN = ['purge timer stop', 'scheduler stop', 'projector stop', 'store close', 'data source destroy'];

describe('CausewayModule lifecycle order', () => {
  it('all: projector, catch-up, first admin key, scheduler, purge timer; stops in reverse', async () => {
    expect(await lifecycleOf('all')).toEqual({
      boot: ['projector start', 'projector catch-up', 'first admin key', 'scheduler start', 'purge timer start'],
      shutdown: SHUTDOWN,
    });
  });

  it('api: the scheduler is not run', async () => {
    expect(await lifecycleOf('api')).toEqual({
      boot: ['projector start', 'projector catch-up', 'first admin key', 'purge timer start'],
      shutdown: SHUTDOWN,
    });
  });

  it('projector: no first admin key', async () => {
    expect(await lifecycleOf('projector')).toEqual({
      boot: ['projector start', 'projector catch-up', 'scheduler start', 'purge timer start'],
      shutdown: SHUTDOWN,
    });
  });
});
