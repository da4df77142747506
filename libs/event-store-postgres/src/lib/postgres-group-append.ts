import { performance } from 'node:perf_hooks';
import type { Pool, QueryArrayConfig } from 'pg';
import { canonicalEventHead, type AppendResult, type CommitOutcome, type PreparedAppend } from '@causeway/event-store';
import { ConcurrentGroupQueue } from './concurrent-group-queue';
import { isUnavailableError, toStoreError } from './postgres-errors';
import { APPEND_SQL } from './postgres-event-store.sql';
import { expectedCode, toOutcome, type AppendRow, type Committed } from './postgres-event-rows';
import type { PositionWaiters } from './position-waiters';
import type { PostgresSequencer } from './postgres-sequencer';

const APPENDING = 'appending (the outcome is unknown: retry with the same event ids)';

export interface PostgresGroupAppendOptions {
  readonly pool: Pool;
  readonly clock: () => Date;
  readonly waiters: PositionWaiters;
  /** This process's sequencer, if it takes part in the election (it is created after this). */
  readonly sequencer: () => PostgresSequencer | null;
  readonly lanes: number;
  readonly maxGroupSize: number;
  readonly maxGroupEvents: number;
  readonly onSealLag?: (milliseconds: number) => void;
}

/**
 * The write path: appends queue up per process and commit in groups, several groups at once, with
 * one `causeway_append` call each; an append then waits until its events have positions.
 */
export class PostgresGroupAppend {
  private readonly queue: ConcurrentGroupQueue<PreparedAppend, Committed>;
  private readonly pool: Pool;
  private readonly clock: () => Date;
  private readonly waiters: PositionWaiters;
  private readonly sequencer: () => PostgresSequencer | null;
  private readonly onSealLag: ((milliseconds: number) => void) | undefined;
  /** Canonical heads of rows this process appended and the local sequencer has yet to hash. */
  private readonly unsequencedHeads = new Map<string, string>();

  constructor(options: PostgresGroupAppendOptions) {
    this.pool = options.pool;
    this.clock = options.clock;
    this.waiters = options.waiters;
    this.sequencer = options.sequencer;
    this.onSealLag = options.onSealLag;
    this.queue = new ConcurrentGroupQueue<PreparedAppend, Committed>({
      commit: (group) => this.commitGroup(group),
      lanes: options.lanes,
      maxGroupSize: options.maxGroupSize,
      maxGroupWeight: options.maxGroupEvents,
      weigh: (request) => request.events.length,
      // A retry racing its original in one group would not see the original's rows.
      keys: (request) => request.ids,
    });
  }

  /** The canonical head of a row this process appended, while the local sequencer has not hashed it. */
  knownHead(seq: string): string | undefined {
    return this.unsequencedHeads.get(seq);
  }

  async append(request: PreparedAppend): Promise<AppendResult> {
    const committed = await this.queue.enqueue(request);
    const committedAt = performance.now();
    try {
      const local = this.sequencer()?.sequencedHead;
      // Already covered by our own sequencer's head (it ran before we got here), or a repeat of an
      // old append: look it up now instead of waiting for a batch that will not mention it.
      const lookNow =
        committed.duplicate ||
        (local != null &&
          (BigInt(committed.transactionId) < local.transactionId ||
            (BigInt(committed.transactionId) === local.transactionId && BigInt(committed.lastSeq) <= local.seq)));
      const lastPosition = await this.waiters.wait(committed.transactionId, committed.lastSeq, lookNow);
      if (!committed.duplicate) this.onSealLag?.(performance.now() - committedAt);
      return { streamId: request.streamId, nextVersion: committed.nextVersion, lastPosition, duplicate: committed.duplicate };
    } finally {
      for (const seq of committed.seqs) this.unsequencedHeads.delete(seq);
    }
  }

  /**
   * One transaction for the group. If it fails as a whole for a reason other than availability,
   * every append is tried again alone so that one bad append cannot fail the others. The usual
   * reason is an event id that another process was inserting at the same moment (a unique
   * violation the id check could not see yet); tried again, the id check sees it.
   */
  private async commitGroup(group: readonly PreparedAppend[]): Promise<CommitOutcome<Committed>[]> {
    try {
      return await this.callAppend(group);
    } catch (error) {
      if (isUnavailableError(error)) throw toStoreError(error, APPENDING);
      if (group.length === 1 && !isUniqueViolation(error)) throw error;
    }
    const outcomes: CommitOutcome<Committed>[] = [];
    for (const request of group) {
      try {
        outcomes.push(...(await this.callAppend([request])));
      } catch (error) {
        outcomes.push({ ok: false, error: toStoreError(error, APPENDING) });
      }
    }
    return outcomes;
  }

  private async callAppend(group: readonly PreparedAppend[]): Promise<CommitOutcome<Committed>[]> {
    const streamIds: string[] = [];
    const expected: number[] = [];
    const counts: number[] = [];
    const ids: string[] = [];
    const types: string[] = [];
    const data: string[] = [];
    const metadata: string[] = [];
    const occurredAt: string[] = [];
    const actors: string[] = [];
    for (const request of group) {
      streamIds.push(request.streamId);
      expected.push(expectedCode(request.expectedVersion));
      counts.push(request.events.length);
      for (const event of request.events) {
        ids.push(event.id);
        types.push(event.type);
        data.push(event.dataJson);
        metadata.push(event.metadataJson);
        occurredAt.push(event.occurredAt);
        actors.push(event.actor);
      }
    }
    const leader = this.sequencer()?.leader ?? false;
    const { rows } = await this.pool.query<AppendRow>({
      name: 'causeway_append',
      text: APPEND_SQL,
      values: [
        streamIds,
        expected,
        counts,
        JSON.stringify(ids),
        JSON.stringify(types),
        JSON.stringify(data),
        JSON.stringify(metadata),
        JSON.stringify(occurredAt),
        JSON.stringify(actors),
        this.clock().toISOString(),
        !leader,
      ],
      rowMode: 'array',
    } satisfies QueryArrayConfig);
    const outcomes = rows.map((row, i) => toOutcome(group[i], row));
    if (leader && outcomes.some((outcome) => outcome.ok && !outcome.value.duplicate)) {
      // Our own sequencer hashes these rows: hand it the payload so it need not read it back.
      group.forEach((request, i) => {
        const outcome = outcomes[i];
        if (!outcome.ok || outcome.value.duplicate) return;
        request.events.forEach((event, j) => {
          this.unsequencedHeads.set(
            outcome.value.seqs[j],
            canonicalEventHead({ actor: event.actor, dataJson: event.dataJson, id: event.id, metadataJson: event.metadataJson, occurredAt: event.occurredAt }),
          );
        });
      });
      this.sequencer()?.wake();
    }
    return outcomes;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
