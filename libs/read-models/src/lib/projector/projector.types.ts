import type { StoredEvent } from '@causeway/event-store';
import type { IncidentSummary } from '../projections/incident-summary/incident-summary.projection';
import type { TimelineEntry } from '../projections/timeline/timeline.projection';

/** What the projector logs through; Nest's `Logger` fits. */
export interface ProjectorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, trace?: string): void;
}

/** One committed batch: its rows and the checkpoint are durable when listeners hear of it. */
export interface AppliedBatch {
  /**
   * The events the batch applied (every type, not only projected ones), in position order. Empty
   * in an observed replay (another process rebuilding), which announces only its position.
   */
  readonly events: readonly StoredEvent[];
  /** Timeline entries the batch added, in position order. */
  readonly entries: readonly TimelineEntry[];
  /**
   * Incident summaries the batch changed, one per incident. Applied batches carry them as written;
   * observed batches as read just after the commit, which may already include later events.
   */
  readonly incidents: readonly IncidentSummary[];
  /** The checkpoint after the batch. */
  readonly position: number;
  /** True while `rebuild()` replays the log: these events were seen before. */
  readonly replay: boolean;
  /**
   * `applied`: this process committed the batch. `observed`: another process (the leader) did, and
   * this one, following, loaded the range from the log and the read models after the commit.
   */
  readonly origin: 'applied' | 'observed';
}

export type AppliedListener = (batch: AppliedBatch) => void;

/**
 * `candidate` (default): once started, applies the log while it leads: always on SQLite (one
 * process), on PostgreSQL while it holds the projector's advisory lock (it retries every
 * `electionIntervalMs` otherwise). `follower`: never applies; it follows the checkpoint another
 * process commits (an API replica that needs `waitFor` and `onApplied`).
 */
export type ProjectorRole = 'candidate' | 'follower';

export interface ProjectorOptions {
  /** Row key in `projection_checkpoints`, and the name of the leader lock. Default `read-models`. */
  readonly checkpointName?: string;
  /** Events per transaction when catching up and live. Default 1000. */
  readonly batchSize?: number;
  /** Events per transaction (and per `readAll` page) during `rebuild()`. Default 5000 on SQLite, 10,000 on PostgreSQL. */
  readonly rebuildBatchSize?: number;
  readonly role?: ProjectorRole;
  /** A started non-leader tries for the lock (and re-reads the checkpoint) this often. Default 1000 ms. */
  readonly electionIntervalMs?: number;
  /** While a non-leader has `waitFor` callers, it re-reads the checkpoint this often besides notifications. Default 50 ms. */
  readonly followerPollMs?: number;
}

export interface RebuildOptions {
  /** Rebuild only this registered projection (its name, e.g. `timeline`); all of them when absent. */
  readonly projection?: string;
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
}

/** Applying was refused: another process leads (PostgreSQL), or this projector is a follower. */
export class ProjectorNotLeaderError extends Error {
  readonly code = 'PROJECTOR_NOT_LEADER' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ProjectorNotLeaderError';
  }
}

/** `rebuild({ projection })` named no registered projection. */
export class UnknownProjectionError extends Error {
  readonly code = 'UNKNOWN_PROJECTION' as const;
  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(`No projection is registered as ${projection}; registered: ${known.join(', ')}`);
    this.name = 'UnknownProjectionError';
  }
}

export const DEFAULT_CHECKPOINT_NAME = 'read-models';

/** The options with their defaults filled in, and what the data source tells about the deployment. */
export interface ProjectorSettings {
  readonly checkpointName: string;
  readonly batchSize: number;
  readonly rebuildBatchSize: number;
  readonly role: ProjectorRole;
  readonly electionIntervalMs: number;
  readonly followerPollMs: number;
  /** PostgreSQL: several processes may run a projector on one database. */
  readonly multiProcess: boolean;
}

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_REBUILD_BATCH_SIZE = 5000;
const DEFAULT_POSTGRES_REBUILD_BATCH_SIZE = 10_000;
const DEFAULT_ELECTION_INTERVAL_MS = 1000;
const DEFAULT_FOLLOWER_POLL_MS = 50;

export function projectorSettings(options: ProjectorOptions, multiProcess: boolean): ProjectorSettings {
  return {
    checkpointName: options.checkpointName ?? DEFAULT_CHECKPOINT_NAME,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    rebuildBatchSize: options.rebuildBatchSize ?? (multiProcess ? DEFAULT_POSTGRES_REBUILD_BATCH_SIZE : DEFAULT_REBUILD_BATCH_SIZE),
    role: options.role ?? 'candidate',
    electionIntervalMs: options.electionIntervalMs ?? DEFAULT_ELECTION_INTERVAL_MS,
    followerPollMs: options.followerPollMs ?? DEFAULT_FOLLOWER_POLL_MS,
    multiProcess,
  };
}

export const silentLogger: ProjectorLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}
