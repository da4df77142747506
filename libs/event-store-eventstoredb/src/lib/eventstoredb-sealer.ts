import {
  ANY,
  BACKWARDS,
  END,
  START,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type RecordedEvent,
} from '@eventstore/db-client';
import { LRUCache } from 'lru-cache';
import { StoreUnavailableError, messageOf } from '@causeway/event-store';
import { isEsdbWrongExpectedVersion, isStreamNotFound, toStoreError } from './eventstoredb-errors';
import { decodeRecordedEvent } from './eventstoredb-events';
import { indexEntryOf, indexEventData } from './eventstoredb-position-index';
import { parseSealHead, sealLinkEventData, type SealHead, type SealRecord } from './eventstoredb-seals';
import { indexStreamName, sealStreamName, userStreamRegex } from './eventstoredb-stream-names';
import { ChainDivergedError, SealChain } from './eventstoredb-seal-chain';

export interface SealerOptions {
  readonly client: EventStoreDBClient;
  readonly prefix: string;
  /** Called after the known sealed head moved (our seal or another process's): wakes subscriptions. */
  readonly onSealed: () => void;
  /** Most seals per seal-stream append (ESDB refuses appends over 1 MiB by default; a seal is ~400 B). */
  readonly maxBatch?: number;
}

export interface SealerStatus {
  readonly running: boolean;
  /** Highest position known to be sealed (readers see up to here). */
  readonly sealedPosition: number;
  /** Events delivered by `$all` but not yet sealed by anyone: the sealer's lag, in events. */
  readonly pending: number;
  readonly lastError: string | null;
}

interface Waiter {
  readonly resolve: (position: number) => void;
  readonly reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 500;
/** Pause the `$all` subscription when this many delivered events wait for sealing. */
const INBOX_HIGH_WATER = 5000;
/** Positions remembered for appends whose seal lands before they start waiting for it. */
const RECENT_CAPACITY = 50_000;
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
const GENESIS_POLL_MS = 1000;

/**
 * Assigns the log's dense positions and chains its hashes, just behind the head.
 *
 * It follows this store's caller streams in `$all` order through a catch-up subscription with a
 * server-side stream-name filter, starting at the `$all` position of the last seal, and appends
 * one link event per event to the seal stream with the seal stream's exact expected revision.
 * Every process that appends or subscribes runs one; they compute identical seals (see SealChain)
 * and race only for the write, so one crashed process never leaves events unsealed for long.
 *
 * Before each seal write it appends the batch's per-stream index entries (with ANY): index first
 * means a sealed position always has its index entry; an entry whose seal write lost or crashed is
 * still correct, because seals are deterministic, and readers ignore positions beyond the head.
 */
export class EventStoreDbSealer {
  private readonly client: EventStoreDBClient;
  private readonly prefix: string;
  private readonly sealStream: string;
  private readonly regex: string;
  private readonly onSealed: () => void;
  private readonly maxBatch: number;
  private loop: Promise<void> | null = null;
  private closed = false;
  private failure: ChainDivergedError | null = null;
  private lastError: unknown = null;
  private subscription: AllStreamSubscription | null = null;
  private wakeLoop: (() => void) | null = null;
  private chain: SealChain | null = null;
  private sealed = 0;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly recent = new LRUCache<string, number>({ max: RECENT_CAPACITY });

  constructor(options: SealerOptions) {
    this.client = options.client;
    this.prefix = options.prefix;
    this.sealStream = sealStreamName(options.prefix);
    this.regex = userStreamRegex(options.prefix);
    this.onSealed = options.onSealed;
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  }

  /** Idempotent; the sealer then runs until close(), restarting its subscription after failures. */
  start(): void {
    if (this.loop === null && !this.closed) this.loop = this.run();
  }

  status(): SealerStatus {
    return {
      running: this.loop !== null && !this.closed && this.failure === null,
      sealedPosition: this.sealed,
      pending: this.chain ? this.chain.computedPosition - this.chain.sealedPosition : 0,
      lastError: this.failure ? this.failure.message : this.lastError === null ? null : messageOf(this.lastError),
    };
  }

  /** Highest position this process knows to be sealed; readers refresh it from the seal stream. */
  get sealedPosition(): number {
    return this.sealed;
  }

  noteSealedPosition(position: number): void {
    if (position > this.sealed) this.sealed = position;
  }

  /** The position of a recently sealed event, if this process saw it sealed. */
  recentPosition(esdbStream: string, revision: bigint): number | undefined {
    return this.recent.get(keyOf(esdbStream, revision));
  }

  /**
   * Resolves with the event's position once this sealer sees it sealed, or with `undefined` after
   * `timeoutMs` (the caller then consults the index: the event may have been sealed by another
   * process before this sealer's subscription started).
   */
  waitFor(esdbStream: string, revision: bigint, timeoutMs: number): Promise<number | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new StoreUnavailableError('the event store is closed'));
    const key = keyOf(esdbStream, revision);
    const known = this.recent.get(key);
    if (known !== undefined) return Promise.resolve(known);
    this.start();
    return new Promise<number | undefined>((resolve, reject) => {
      const set = this.waiters.get(key) ?? new Set<Waiter>();
      this.waiters.set(key, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
      };
      const waiter: Waiter = {
        resolve: (position) => {
          done();
          resolve(position);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        done();
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      set.add(waiter);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    const subscription = this.subscription;
    if (subscription) await subscription.unsubscribe().catch(() => undefined);
    await this.loop?.catch(() => undefined);
    const closedError = new StoreUnavailableError('the event store is closed');
    for (const set of [...this.waiters.values()]) for (const waiter of [...set]) waiter.reject(closedError);
  }

  /** The seal stream's last event as a head, or null while the log has no genesis yet. */
  async readHead(): Promise<SealHead | null> {
    const last = await readLast(this.client, this.sealStream);
    if (last === null) return null;
    const head = parseSealHead(last);
    this.noteSealedPosition(head.position);
    return head;
  }

  private async run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (!this.closed) {
      try {
        const head = await this.readHead();
        if (head === null) {
          // Nothing can be sealed before the first append has written the genesis record.
          await this.sleep(GENESIS_POLL_MS);
          continue;
        }
        await this.follow(head);
        backoff = MIN_BACKOFF_MS;
        // The server ended the subscription (shutdown, leader change): resubscribe, but not in a hot loop.
        if (!this.closed) await this.sleep(MIN_BACKOFF_MS);
      } catch (error) {
        if (this.closed) break;
        if (error instanceof ChainDivergedError) {
          // Retrying cannot help and continuing would extend a chain nobody can verify.
          this.failure = error;
          this.rejectAll(error);
          return;
        }
        this.lastError = error;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        this.chain = null;
      }
    }
  }

  /** One subscription's life: returns when it ends or the sealer closes, throws when it fails. */
  private async follow(head: SealHead): Promise<void> {
    const chain = new SealChain(head);
    this.chain = chain;
    const inbox: AllStreamResolvedEvent[] = [];
    let failed: { error: unknown } | null = null;
    let ended = false;
    const subscription = this.client.subscribeToAll({
      fromPosition: head.checkpoint ?? START,
      resolveLinkTos: false,
      filter: streamNameFilter({ regex: this.regex }),
    });
    this.subscription = subscription;
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      inbox.push(resolved);
      if (inbox.length >= INBOX_HIGH_WATER) subscription.pause();
      this.wake();
    });
    subscription.on('error', (error: Error) => {
      failed = { error };
      this.wake();
    });
    const onEnd = (): void => {
      ended = true;
      this.wake();
    };
    subscription.on('end', onEnd);
    subscription.on('close', onEnd);
    try {
      while (!this.closed) {
        if (failed !== null) throw toStoreError((failed as { error: unknown }).error, 'seal subscription');
        if (inbox.length === 0) {
          if (ended) return;
          await new Promise<void>((resolve) => {
            this.wakeLoop = resolve;
          });
          continue;
        }
        const batch = inbox.splice(0, this.maxBatch);
        if (subscription.isPaused() && inbox.length < INBOX_HIGH_WATER / 2) subscription.resume();
        const sealedElsewhere: SealRecord[] = [];
        for (const resolved of batch) {
          const recorded = resolved.event;
          if (!recorded) continue;
          // The server-side filter already limits the subscription to this store's caller streams.
          const decoded = decodeRecordedEvent(recorded as RecordedEvent, this.prefix);
          if (decoded === null) continue;
          if (!recorded.position) throw new Error(`$all delivered ${recorded.streamId}@${recorded.revision} without its position`);
          const accepted = chain.accept(decoded, recorded.position);
          if (accepted?.alreadySealed) sealedElsewhere.push(accepted.record);
        }
        this.settle(sealedElsewhere);
        await this.sealPending(chain);
      }
    } finally {
      this.subscription = null;
      // The error listener stays: a late error of a cancelled stream must not become an uncaught one.
      subscription.removeAllListeners('data');
      subscription.removeListener('end', onEnd);
      subscription.removeListener('close', onEnd);
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  private async sealPending(chain: SealChain): Promise<void> {
    for (;;) {
      const batch = chain.unsealed(this.maxBatch);
      if (batch.length === 0 || this.closed) return;
      await this.writeIndex(batch);
      try {
        await this.client.appendToStream(
          this.sealStream,
          batch.map((record) => sealLinkEventData(record)),
          // Seal revision n holds position n (revision 0 is the genesis record).
          { expectedRevision: BigInt(chain.sealedPosition) },
        );
        this.settle(chain.confirm(batch.length));
      } catch (error) {
        if (!isEsdbWrongExpectedVersion(error)) throw toStoreError(error, 'seal append');
        const head = await this.readHead();
        if (head === null) throw new Error(`seal stream ${this.sealStream} disappeared`);
        this.settle(chain.reconcile(head));
      }
    }
  }

  private async writeIndex(batch: readonly SealRecord[]): Promise<void> {
    const byStream = new Map<string, SealRecord[]>();
    for (const record of batch) {
      const list = byStream.get(record.streamId) ?? [];
      list.push(record);
      byStream.set(record.streamId, list);
    }
    await Promise.all(
      [...byStream].map(async ([streamId, records]) => {
        const stream = indexStreamName(this.prefix, streamId);
        try {
          await this.client.appendToStream(stream, indexEventData(stream, records.map(indexEntryOf)), { expectedRevision: ANY });
        } catch (error) {
          throw toStoreError(error, 'index append');
        }
      }),
    );
  }

  private settle(records: readonly SealRecord[]): void {
    if (records.length === 0) return;
    for (const record of records) {
      const key = keyOf(record.esdbStream, record.revision);
      this.recent.set(key, record.position);
      const set = this.waiters.get(key);
      if (set) for (const waiter of [...set]) waiter.resolve(record.position);
    }
    this.noteSealedPosition(records[records.length - 1].position);
    this.onSealed();
  }

  private rejectAll(error: unknown): void {
    for (const set of [...this.waiters.values()]) for (const waiter of [...set]) waiter.reject(error);
  }

  private wake(): void {
    const wake = this.wakeLoop;
    this.wakeLoop = null;
    wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeLoop = null;
        resolve();
      }, ms);
      timer.unref();
      this.wakeLoop = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function keyOf(esdbStream: string, revision: bigint): string {
  return `${revision}@${esdbStream}`;
}

/** The last event of a stream, or null when the stream does not exist. */
export async function readLast(client: EventStoreDBClient, stream: string): Promise<RecordedEvent | null> {
  try {
    for await (const resolved of client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
      if (resolved.event) return resolved.event as RecordedEvent;
    }
    return null;
  } catch (error) {
    if (isStreamNotFound(error)) return null;
    throw toStoreError(error, `read of ${stream}`);
  }
}
