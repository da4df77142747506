import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyCommands, CommandHandler, IncidentCommands, type Clock } from '@causeway/application';
import { SqliteEventStore } from '@causeway/event-store';
import type { DataSource } from 'typeorm';
import { Projector, type ProjectorLogger, type ProjectorOptions } from '../projector';
import { createReadModelDataSource } from '../storage/read-model-data-source';

/** A clock the test moves by hand, so declaration times (and ties) are chosen, not sampled. */
export class ManualClock implements Clock {
  constructor(private ms = Date.parse('2026-11-21T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  iso(offsetMs = 0): string {
    return new Date(this.ms + offsetMs).toISOString();
  }
}

export const quietLogger = (): ProjectorLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { log: () => undefined, warn: () => undefined, error: (message) => errors.push(message), errors };
};

/**
 * A real SQLite event store and a real read-model SQLite file in a fresh temp directory, with the
 * application's own command handlers to produce the events.
 */
export class ReadModelFixture {
  readonly clock = new ManualClock();
  readonly logger = quietLogger();
  readonly commands: IncidentCommands;
  readonly apiKeyCommands: ApiKeyCommands;
  private readonly projectors: Projector[] = [];

  private constructor(
    readonly dir: string,
    readonly store: SqliteEventStore,
    readonly dataSource: DataSource,
  ) {
    const handler = new CommandHandler(store, this.clock);
    this.commands = new IncidentCommands(handler);
    this.apiKeyCommands = new ApiKeyCommands(handler);
  }

  static async open(): Promise<ReadModelFixture> {
    const dir = mkdtempSync(join(tmpdir(), 'causeway-read-models-'));
    const store = SqliteEventStore.open({ file: join(dir, 'events.db'), pollIntervalMs: 50 });
    const dataSource = await createReadModelDataSource({ type: 'sqlite', file: join(dir, 'read-models.db') });
    return new ReadModelFixture(dir, store, dataSource);
  }

  projector(options: ProjectorOptions = {}): Projector {
    const projector = new Projector(this.store, this.dataSource, this.logger, options);
    this.projectors.push(projector);
    return projector;
  }

  /** Every projection table, rows in key order: two dumps are equal iff the read models are. */
  async dump(): Promise<Record<string, unknown[]>> {
    return {
      incidents: await this.dataSource.query('SELECT * FROM incidents ORDER BY id'),
      timeline: await this.dataSource.query('SELECT * FROM timeline_entries ORDER BY position'),
      apiKeys: await this.dataSource.query('SELECT * FROM api_keys ORDER BY id'),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.projectors.map((projector) => projector.stop()));
    await this.store.close();
    await this.dataSource.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing workload can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
