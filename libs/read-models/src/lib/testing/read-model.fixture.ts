import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionItemCommands, ApiKeyCommands, CommandHandler, IncidentCommands, type Clock } from '@causeway/application';
import { SqliteEventStore } from '@causeway/event-store-sqlite';
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

export const quietLogger = (): ProjectorLogger & { errors: string[]; warnings: string[] } => {
  const errors: string[] = [];
  const warnings: string[] = [];
  return { log: () => undefined, warn: (message) => warnings.push(message), error: (message) => errors.push(message), errors, warnings };
};

export type ReadModelBackend = 'sqlite' | 'postgres';

export const READ_MODEL_BACKENDS: readonly ReadModelBackend[] = ['sqlite', 'postgres'];

/** Fresh PostgreSQL databases: the spec owns the server (`startPostgres()` from `@causeway/testing` fits). */
export interface DatabaseProvider {
  createDatabase(): Promise<{ readonly url: string; drop(): Promise<void> }>;
}

interface Backing {
  readonly backend: ReadModelBackend;
  readonly url: string | null;
  readonly file: string | null;
  drop(): Promise<void>;
}

/**
 * A real SQLite event store in a fresh temp directory, and real read models on the chosen backend
 * (a SQLite file, or a fresh PostgreSQL database), with the application's own command handlers to
 * produce the events. The log's backend is independent of the read models': SQLite keeps these
 * tests deterministic and fast on both.
 */
export class ReadModelFixture {
  readonly logger = quietLogger();
  readonly commands: IncidentCommands;
  readonly apiKeyCommands: ApiKeyCommands;
  readonly actionItemCommands: ActionItemCommands;
  private readonly projectors: Projector[] = [];
  private readonly extraDataSources: DataSource[] = [];

  private constructor(
    readonly clock: ManualClock,
    readonly dir: string,
    readonly store: SqliteEventStore,
    readonly dataSource: DataSource,
    private readonly backing: Backing,
  ) {
    const handler = new CommandHandler(store, this.clock);
    this.commands = new IncidentCommands(handler);
    this.apiKeyCommands = new ApiKeyCommands(handler);
    this.actionItemCommands = new ActionItemCommands(handler, store);
  }

  /**
   * `recordWithClock`: the log takes `recordedAt` from the manual clock too (for tests of as-of
   * reads); otherwise it records real time.
   */
  static async open(backend: ReadModelBackend = 'sqlite', databases?: DatabaseProvider, options: { recordWithClock?: boolean } = {}): Promise<ReadModelFixture> {
    const dir = mkdtempSync(join(tmpdir(), 'causeway-read-models-'));
    const clock = new ManualClock();
    const store = SqliteEventStore.open({
      file: join(dir, 'events.db'),
      pollIntervalMs: 50,
      ...(options.recordWithClock ? { clock: () => clock.now() } : {}),
    });
    let backing: Backing;
    if (backend === 'postgres') {
      if (!databases) throw new Error('a PostgreSQL fixture needs a DatabaseProvider (startPostgres())');
      const database = await databases.createDatabase();
      backing = { backend, url: database.url, file: null, drop: () => database.drop() };
    } else {
      backing = { backend, url: null, file: join(dir, 'read-models.db'), drop: async () => undefined };
    }
    const fixture = new ReadModelFixture(clock, dir, store, await openReadModels(backing), backing);
    return fixture;
  }

  get backend(): ReadModelBackend {
    return this.backing.backend;
  }

  /** The PostgreSQL database's URL; throws on SQLite. */
  get url(): string {
    if (this.backing.url === null) throw new Error('not a PostgreSQL fixture');
    return this.backing.url;
  }

  projector(options: ProjectorOptions = {}, dataSource: DataSource = this.dataSource): Projector {
    const projector = new Projector(this.store, dataSource, this.logger, options);
    this.projectors.push(projector);
    return projector;
  }

  /** Another data source on the same read models, with a pool of its own: what a second process has. */
  async openDataSource(): Promise<DataSource> {
    const dataSource = await openReadModels(this.backing);
    this.extraDataSources.push(dataSource);
    return dataSource;
  }

  /** Makes every timeline insert whose summary contains `word` fail inside the database (a crash mid-batch). */
  async failTimelineInsertsContaining(word: string): Promise<void> {
    if (!/^\w+$/.test(word)) throw new TypeError(`not a plain word: ${word}`);
    if (this.backend === 'sqlite') {
      await this.dataSource.query(
        `CREATE TRIGGER fail_timeline BEFORE INSERT ON timeline_entries WHEN NEW.summary LIKE '%${word}%' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`,
      );
      return;
    }
    await this.dataSource.query(`
      CREATE FUNCTION fail_timeline() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.summary LIKE '%${word}%' THEN RAISE EXCEPTION 'simulated crash'; END IF;
        RETURN NEW;
      END $$`);
    await this.dataSource.query(`CREATE TRIGGER fail_timeline BEFORE INSERT ON timeline_entries FOR EACH ROW EXECUTE FUNCTION fail_timeline()`);
  }

  async stopFailingTimelineInserts(): Promise<void> {
    if (this.backend === 'sqlite') {
      await this.dataSource.query('DROP TRIGGER fail_timeline');
      return;
    }
    await this.dataSource.query('DROP TRIGGER fail_timeline ON timeline_entries');
    await this.dataSource.query('DROP FUNCTION fail_timeline()');
  }

  /** Names of the indexes on the projection tables (primary keys aside), sorted. */
  async indexNames(dataSource: DataSource = this.dataSource): Promise<string[]> {
    const rows: { name: string }[] =
      this.backend === 'postgres'
        ? await dataSource.query(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND (indexname LIKE 'idx_%' OR indexname LIKE 'uq_%')`)
        : await dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND (name LIKE 'idx_%' OR name LIKE 'uq_%')`);
    return rows.map((row) => row.name).sort();
  }

  /** Every projection table, rows in key order: two dumps are equal iff the read models are. */
  async dump(dataSource: DataSource = this.dataSource): Promise<Record<string, unknown[]>> {
    return {
      incidents: await dataSource.query('SELECT * FROM incidents ORDER BY id'),
      timeline: await dataSource.query('SELECT * FROM timeline_entries ORDER BY position'),
      apiKeys: await dataSource.query('SELECT * FROM api_keys ORDER BY id'),
      actionItems: await dataSource.query('SELECT * FROM action_items ORDER BY id'),
      actionItemVersions: await dataSource.query('SELECT * FROM action_item_versions ORDER BY action_item_id, version'),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.projectors.map((projector) => projector.stop()));
    await this.store.close();
    for (const dataSource of [this.dataSource, ...this.extraDataSources]) {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
    await this.backing.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function openReadModels(backing: Backing): Promise<DataSource> {
  return backing.url !== null
    ? createReadModelDataSource({ type: 'postgres', url: backing.url, poolSize: 4 })
    : createReadModelDataSource({ type: 'sqlite', file: backing.file ?? ':memory:' });
}
