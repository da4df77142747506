import { Client, type ClientConfig, type Notification } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Two-key advisory locks of the read models: this class key (ASCII 'Read') keeps them apart from
 * the event store's locks, which may live in the same database.
 */
export const READ_MODEL_LOCK_CLASS = 0x52656164;

/** Where a projector's checkpoint moves are announced (per database); the payload is the position. */
export const READ_MODELS_CHANNEL = 'causeway_read_models';

/** How long a query on the dedicated session may take before the session counts as lost. */
const SESSION_QUERY_TIMEOUT_MS = 5000;

export interface PostgresSessionOptions {
  /** LISTEN on `READ_MODELS_CHANNEL` and hand every payload here. */
  readonly onNotification?: (payload: string) => void;
  /** The connection broke or the server ended it: any lock it held is gone. Called at most once. */
  readonly onLost: (error: unknown) => void;
  readonly applicationName?: string;
}

/**
 * One connection of its own, outside the data source's pool: a session-level advisory lock and a
 * LISTEN belong to a session, and a pooled connection would be handed to other queries (or closed
 * by the pool) while it still held them. When this process dies its session ends and PostgreSQL
 * releases the lock, which is what lets another projector take over.
 */
export class PostgresSession {
  private lostReported = false;

  private constructor(
    private readonly client: Client,
    private readonly options: PostgresSessionOptions,
    /** The server process of this session (what `pg_terminate_backend` takes). */
    readonly pid: number,
  ) {}

  static async open(dataSource: DataSource, options: PostgresSessionOptions): Promise<PostgresSession> {
    const client = new Client({
      ...connectionConfigOf(dataSource),
      application_name: options.applicationName ?? 'causeway-projector',
      keepAlive: true,
      query_timeout: SESSION_QUERY_TIMEOUT_MS,
    });
    let session: PostgresSession | null = null;
    let early: unknown = null;
    const lost = (error: unknown): void => {
      if (session) session.reportLost(error);
      else early ??= error;
    };
    // Unhandled, an 'error' on an idle client would end the process.
    client.on('error', lost);
    client.on('end', () => lost(new Error('the projector session ended')));
    if (options.onNotification) {
      const forward = options.onNotification;
      client.on('notification', (message: Notification) => {
        if (message.channel === READ_MODELS_CHANNEL) forward(message.payload ?? '');
      });
    }
    try {
      await client.connect();
      if (options.onNotification) await client.query(`LISTEN ${READ_MODELS_CHANNEL}`);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (early !== null) throw early;
      session = new PostgresSession(client, options, rows[0].pid);
      return session;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /** Takes the lock for `name` if no other session holds it; re-entrant, so ask only once. */
  async tryLock(name: string): Promise<boolean> {
    const { rows } = await this.client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock($1::integer, hashtext($2)) AS locked`,
      [READ_MODEL_LOCK_CLASS, `projector:${name}`],
    );
    return rows[0].locked;
  }

  /** A round trip: fails when the connection is gone even if no error event has arrived yet. */
  async ping(): Promise<void> {
    await this.client.query('SELECT 1');
  }

  /** Ends the session: PostgreSQL releases its locks and LISTENs. */
  async close(): Promise<void> {
    this.lostReported = true;
    await this.client.end().catch(() => undefined);
  }

  private reportLost(error: unknown): void {
    if (this.lostReported) return;
    this.lostReported = true;
    void this.client.end().catch(() => undefined);
    this.options.onLost(error);
  }
}

/** The payload announcing `position` for the checkpoint `name` (plain for the default checkpoint). */
export function checkpointPayload(name: string, defaultName: string, position: number): string {
  return name === defaultName ? String(position) : `${name}:${position}`;
}

/** The position a payload announces for checkpoint `name`, or null when it concerns another one. */
export function parseCheckpointPayload(payload: string, name: string, defaultName: string): number | null {
  const separator = payload.lastIndexOf(':');
  const target = separator < 0 ? defaultName : payload.slice(0, separator);
  if (target !== name) return null;
  const digits = payload.slice(separator + 1);
  const position = Number(digits);
  return /^\d+$/.test(digits) && Number.isSafeInteger(position) ? position : null;
}

/** The data source's own connection settings, for a connection outside its pool. */
function connectionConfigOf(dataSource: DataSource): ClientConfig {
  const options = dataSource.options;
  if (options.type !== 'postgres') throw new TypeError(`a PostgreSQL session needs a postgres data source, not ${options.type}`);
  const password = typeof options.password === 'string' ? options.password : undefined;
  return {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password,
    database: options.database,
    // TypeORM hands this same object to pg for its pool; only the declared TLS typings differ.
    ssl: options.ssl as ClientConfig['ssl'],
    connectionTimeoutMillis: options.connectTimeoutMS ?? 10_000,
  };
}
