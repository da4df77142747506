import { Client } from 'pg';
import { canonicalEventHead, canonicalEventJsonFromHead, sha256Hex } from '@causeway/event-store';
import { LISTENER_APPLICATION_NAME } from './notification-listener';
import { LOCK_CLASS, SEQUENCED_CHANNEL, SEQUENCER_LOCK } from './postgres-event-store.migrations';

/** Where the sequenced log ends: its last position and hash, and the last `(transaction_id, seq)` it covers. */
export interface SequencedHead {
  readonly position: number;
  readonly hash: string;
  readonly recordedAt: string;
  readonly transactionId: bigint;
  readonly seq: bigint;
}

/** Positions a batch gave to event rows, in order: `seqs[i]` got `positions[i]`. */
export interface SequencedBatch {
  readonly seqs: readonly string[];
  readonly positions: readonly number[];
  readonly head: SequencedHead;
}

export interface PostgresSequencerOptions {
  readonly connectionString: string;
  /**
   * The canonical head (`canonicalEventHead`) of a row this process appended, if it still has it:
   * saves reading the payload back. Rows it does not know are read from `events`.
   */
  readonly knownHead?: (seq: string) => string | undefined;
  /** A leader with nothing to do re-reads this often (commits made without a notification). */
  readonly pollIntervalMs: number;
  /** How often a follower tries to take over the sequencer lock. */
  readonly electionIntervalMs: number;
  readonly batchSize: number;
  readonly connectionTimeoutMs: number;
  readonly onBatch: (batch: SequencedBatch) => void;
  /** This process's own listening session: it learns of batches from `onBatch`, not by notification. */
  readonly ownListenerPid?: () => number | null;
  readonly onLeadership?: (leader: boolean) => void;
  readonly onError?: (error: unknown) => void;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2000;

/*
 * Rows become readable in (transaction_id, seq) order once every transaction that could still add
 * a row in front of them has ended: all transactions with an id below the snapshot's xmin have.
 * xmin and the rows come from the same statement snapshot, so each of those transactions is either
 * visible (committed) or never will be (aborted). The payload is not read here: the appending
 * process usually still has it (`knownHead`). (The text columns are renamed: ORDER BY an output
 * name would sort the text, and '10' < '9'.)
 */
const READ_BATCH = `
SELECT e.seq::text AS seq_text, e.transaction_id::text AS transaction_text, e.stream_id, e.version, e.type, e.recorded_at
FROM events e
WHERE (e.transaction_id, e.seq) > ($1::xid8, $2::bigint)
  AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY e.transaction_id, e.seq
LIMIT $3`;

/**
 * Committed rows past the head that READ_BATCH could not take yet: some older transaction (any in
 * the cluster that has an id, e.g. a projector's batch) was still running. Nothing wakes the
 * sequencer when that transaction ends, and the appenders are all waiting for it, so it looks again
 * soon instead of after a whole poll interval.
 */
const HELD_BACK = `SELECT EXISTS (SELECT 1 FROM events e WHERE (e.transaction_id, e.seq) > ($1::xid8, $2::bigint)) AS held`;

/** First and last wait before re-reading rows held back by a running transaction (doubling between). */
const HELD_BACK_MIN_MS = 1;

/**
 * The hashed payload of rows appended by other processes (or by this one before a restart). `seq`
 * is unique on its own, so the two `= ANY` conditions select exactly the requested pairs, and
 * unlike a join with unnest() they cannot be planned as a hash join over the whole table.
 */
const READ_PAYLOADS = `
SELECT e.seq::text, e.id, e.data, e.metadata, e.occurred_at, e.actor
FROM events e
WHERE e.transaction_id = ANY ($1::xid8[]) AND e.seq = ANY ($2::bigint[])`;

/*
 * One statement, so one commit: the positions and the head move together, and only if the head is
 * still where this sequencer left it (a second sequencer, however it came about, makes the UPDATE
 * match nothing and so inserts nothing). Positions are consecutive from $1 and each prev_hash is
 * the hash before it, so only keys, times and hashes travel, as JSON (cheaper to build and to
 * parse than text[] literals).
 */
const WRITE_BATCH = `
WITH moved AS (
  UPDATE event_log_head
  SET position = $6, hash = $7, recorded_at = $8, transaction_id = $9::xid8, seq = $10
  WHERE singleton AND position = $1 - 1
  RETURNING position
), logged AS (
  INSERT INTO event_log (position, event_transaction_id, event_seq, recorded_at, hash, prev_hash)
  SELECT $1 + r.ord - 1, r.transaction_id::xid8, r.seq::bigint, r.recorded_at, r.hash,
         coalesce(lag(r.hash) OVER (ORDER BY r.ord), $5)
  FROM ROWS FROM (
    json_array_elements_text($2::json), json_array_elements_text($3::json), json_array_elements_text($4::json),
    json_array_elements_text($11::json)
  ) WITH ORDINALITY AS r (transaction_id, seq, recorded_at, hash, ord)
  WHERE EXISTS (SELECT 1 FROM moved)
  RETURNING 1
)
SELECT (SELECT count(*) FROM logged)::int AS logged,
       CASE WHEN $12::boolean THEN pg_notify('${SEQUENCED_CHANNEL}', $6::text) END
FROM moved`;

/**
 * Listening sessions of other processes. A NOTIFY costs every commit a trip through the server's
 * notification queue and a wake-up of each listener (measured ~10% of single-event append
 * throughput); when nobody else listens, the batches' own callback is enough.
 */
const OTHER_LISTENERS = `
SELECT count(*)::int AS listeners FROM pg_stat_activity
WHERE datname = current_database() AND application_name = $1 AND pid IS DISTINCT FROM $2`;

type BatchRow = [seq: string, transactionId: string, streamId: string, version: number, type: string, recordedAt: string];
type PayloadRow = [seq: string, id: string, data: string, metadata: string, occurredAt: string, actor: string];

/**
 * The single writer of `event_log` for a database. Every store instance runs one; they elect a
 * leader with a session-level advisory lock held on the sequencer's own connection, so the lock and
 * the right to sequence end together with that connection (a closed store, a killed process, a
 * dropped network link). Followers retry the lock every `electionIntervalMs`.
 *
 * The leader's transactions commit with `synchronous_commit = off`: everything it writes is a
 * deterministic function of the (durably committed) `events` rows — positions in (transaction_id,
 * seq) order, recordedAt the running maximum of the appenders' clocks, hashes chained over those —
 * so if a crash loses its last commits, sequencing them again writes the very same rows.
 */
export class PostgresSequencer {
  private stopped = false;
  private leading = false;
  private head: SequencedHead | null = null;
  private wakeSeq = 0;
  private wakeWaiter: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private othersListen = true;
  private listenersCheckedAt = -Infinity;

  constructor(private readonly options: PostgresSequencerOptions) {}

  /** True while this instance holds the sequencer lock. */
  get leader(): boolean {
    return this.leading;
  }

  /** The last head this instance sequenced, while it leads. */
  get sequencedHead(): SequencedHead | null {
    return this.leading ? this.head : null;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New rows may be committed: sequence now rather than at the next poll. */
  wake(): void {
    this.wakeSeq++;
    const waiter = this.wakeWaiter;
    this.wakeWaiter = null;
    waiter?.();
  }

  /** Stops after the batch in progress and gives the lock up (by closing its connection). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = RECONNECT_MIN_MS;
    while (!this.stopped) {
      const client = new Client({
        connectionString: this.options.connectionString,
        connectionTimeoutMillis: this.options.connectionTimeoutMs,
        keepAlive: true,
        application_name: 'causeway-sequencer',
      });
      // A connection lost while idle is reported here; the next query then fails and is handled below.
      client.on('error', () => undefined);
      try {
        await client.connect();
        // enable_seqscan: its statements are key lookups and an ordered range scan, and a plan cached
        // while the tables were tiny must not turn into full scans as they grow.
        await client.query('SET synchronous_commit = off; SET enable_seqscan = off');
        backoff = RECONNECT_MIN_MS;
        while (!this.stopped) {
          const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
            LOCK_CLASS,
            SEQUENCER_LOCK,
          ]);
          if (rows[0].locked) {
            await this.lead(client);
            break;
          }
          await this.pause(this.options.electionIntervalMs);
        }
      } catch (error) {
        if (!this.stopped) this.options.onError?.(error);
      } finally {
        this.setLeading(false);
        await client.end().catch(() => undefined);
      }
      if (!this.stopped) {
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
      }
    }
  }

  private async lead(client: Client): Promise<void> {
    this.head = await loadHead(client);
    this.setLeading(true);
    let heldBackWaitMs = HELD_BACK_MIN_MS;
    while (!this.stopped) {
      const seenWake = this.wakeSeq;
      const sequenced = await this.sequenceBatch(client);
      if (sequenced >= this.options.batchSize || seenWake !== this.wakeSeq) {
        heldBackWaitMs = HELD_BACK_MIN_MS;
        continue;
      }
      // A short batch took everything that was safe; rows committed since then came with a wake-up
      // (or the poll finds them). Reading again at once would mostly find nothing, and would delay
      // the read that the next commit's wake-up asks for — unless committed rows are waiting only
      // for an older transaction to end: then look again shortly, backing off to the poll interval.
      if (await this.heldBack(client)) {
        await this.pause(heldBackWaitMs);
        heldBackWaitMs = Math.min(heldBackWaitMs * 2, this.options.pollIntervalMs);
      } else {
        heldBackWaitMs = HELD_BACK_MIN_MS;
        await this.pause(this.options.pollIntervalMs);
      }
    }
  }

  private async heldBack(client: Client): Promise<boolean> {
    const head = this.head as SequencedHead;
    const { rows } = await client.query<{ held: boolean }>({
      name: 'causeway_sequencer_held_back',
      text: HELD_BACK,
      values: [head.transactionId.toString(), head.seq.toString()],
    });
    return rows[0]?.held === true;
  }

  /** Sequences up to one batch of committed rows; returns how many. */
  private async sequenceBatch(client: Client): Promise<number> {
    const head = this.head as SequencedHead;
    await this.checkListeners(client);
    const { rows } = await client.query<BatchRow>({
      name: 'causeway_sequencer_read',
      text: READ_BATCH,
      values: [head.transactionId.toString(), head.seq.toString(), this.options.batchSize],
      rowMode: 'array',
    });
    if (rows.length === 0) return 0;

    const heads = await this.payloadHeads(client, rows);
    const positions: number[] = [];
    const transactionIds: string[] = [];
    const seqs: string[] = [];
    const recorded: string[] = [];
    const hashes: string[] = [];
    let position = head.position;
    let hash = head.hash;
    let recordedAt = head.recordedAt;
    for (let i = 0; i < rows.length; i++) {
      const [seq, transactionId, streamId, version, type, appendedAt] = rows[i];
      position++;
      // recordedAt never goes backwards in position order, although appenders' clocks may disagree.
      if (appendedAt > recordedAt) recordedAt = appendedAt;
      const text = canonicalEventJsonFromHead(heads[i], position, JSON.stringify(recordedAt), JSON.stringify(streamId), JSON.stringify(type), version);
      hash = sha256Hex(hash + text);
      positions.push(position);
      transactionIds.push(transactionId);
      seqs.push(seq);
      recorded.push(recordedAt);
      hashes.push(hash);
    }
    const last = rows[rows.length - 1];
    const next: SequencedHead = { position, hash, recordedAt, transactionId: BigInt(last[1]), seq: BigInt(last[0]) };
    const written = await client.query<{ logged: number }>({
      name: 'causeway_sequencer_write',
      text: WRITE_BATCH,
      values: [
        head.position + 1,
        JSON.stringify(transactionIds),
        JSON.stringify(seqs),
        JSON.stringify(recorded),
        head.hash,
        position,
        hash,
        recordedAt,
        last[1],
        last[0],
        JSON.stringify(hashes),
        this.othersListen,
      ],
    });
    if (written.rows.length === 0) {
      // Someone else moved the head: start again from wherever it is now.
      this.head = await loadHead(client);
      return 0;
    }
    this.head = next;
    this.options.onBatch({ seqs, positions, head: next });
    return rows.length;
  }

  /**
   * Refreshes, at most once per election interval, whether other processes listen. One that starts
   * listening in between misses at most that long of notifications, and polls meanwhile.
   */
  private async checkListeners(client: Client): Promise<void> {
    const now = performance.now();
    if (now - this.listenersCheckedAt < this.options.electionIntervalMs) return;
    this.listenersCheckedAt = now;
    const { rows } = await client.query<{ listeners: number }>({
      name: 'causeway_sequencer_listeners',
      text: OTHER_LISTENERS,
      values: [LISTENER_APPLICATION_NAME, this.options.ownListenerPid?.() ?? null],
    });
    this.othersListen = rows[0].listeners > 0;
  }

  /** The canonical head of every row, in order: from this process's memory, else from `events`. */
  private async payloadHeads(client: Client, rows: readonly BatchRow[]): Promise<string[]> {
    const known = this.options.knownHead;
    const heads: (string | undefined)[] = rows.map(([seq]) => known?.(seq));
    const missing = rows.filter((_, i) => heads[i] === undefined);
    if (missing.length > 0) {
      const { rows: payloads } = await client.query<PayloadRow>({
        name: 'causeway_sequencer_payloads',
        text: READ_PAYLOADS,
        values: [missing.map((row) => row[1]), missing.map((row) => row[0])],
        rowMode: 'array',
      });
      const bySeq = new Map(
        payloads.map(([seq, id, data, metadata, occurredAt, actor]) => [
          seq,
          canonicalEventHead({ actor, dataJson: data, id, metadataJson: metadata, occurredAt }),
        ]),
      );
      rows.forEach(([seq], i) => {
        heads[i] ??= bySeq.get(seq);
      });
    }
    return heads.map((head, i) => {
      if (head === undefined) throw new Error(`sequencer: event row ${rows[i][0]} vanished while it was being sequenced`);
      return head;
    });
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.options.onLeadership?.(leading);
  }

  /** Waits for a wake-up, stop() or `ms`, whichever comes first. */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake(), ms);
      this.wakeWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

async function loadHead(client: Client): Promise<SequencedHead> {
  const { rows } = await client.query<{ position: string; hash: string; recorded_at: string; transaction_id: string; seq: string }>(
    'SELECT position::text, hash, recorded_at, transaction_id::text, seq::text FROM event_log_head',
  );
  const row = rows[0];
  return {
    position: Number(row.position),
    hash: row.hash,
    recordedAt: row.recorded_at,
    transactionId: BigInt(row.transaction_id),
    seq: BigInt(row.seq),
  };
}
