import type { Position } from '@eventstore/db-client';
import { chainHash } from '@causeway/event-store';
import type { DecodedEvent } from './eventstoredb-events';
import { comparePositions, hashedFieldsOf, type SealHead, type SealRecord } from './eventstoredb-seals';

/** Two sealers computed different chains for the same position: the log can no longer be trusted. */
export class ChainDivergedError extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
    this.name = 'ChainDivergedError';
  }
}

export interface AcceptedEvent {
  readonly record: SealRecord;
  /** Another sealer already wrote this seal: nothing to write, but its waiters can be answered. */
  readonly alreadySealed: boolean;
}

/**
 * The sealer's bookkeeping, free of I/O: it numbers the events a `$all` subscription delivers,
 * chains their hashes, and tracks which of them the seal stream already holds.
 *
 * A seal is a pure function of `$all` (the n-th event of this store in `$all` order gets position
 * n; its hash covers the previous hash): any number of sealers, in any number of processes, compute
 * the same records. They race only for the right to write them (the seal stream's expected
 * revision); a loser learns the new head and checks that the winner's hash at that position equals
 * its own, which turns a silent fork (say, two builds with different filters) into a loud error.
 */
export class SealChain {
  private cursor: { position: number; hash: string; recordedAt: string; checkpoint: Position | null };
  private sealed: number;
  /** Computed, not yet known to be in the seal stream; positions `sealed + 1 …`. */
  private pending: SealRecord[] = [];
  /** A head learned before this chain computed that far: checked when it gets there. */
  private expectation: { position: number; hash: string } | null = null;

  constructor(head: SealHead) {
    this.cursor = { ...head };
    this.sealed = head.position;
  }

  get sealedPosition(): number {
    return this.sealed;
  }

  get computedPosition(): number {
    return this.cursor.position;
  }

  /**
   * Numbers and chains the next event of `$all` order. Null for an event at or before the cursor's
   * `$all` position (a subscription may replay the event it was started from).
   */
  accept(event: DecodedEvent, allPosition: Position): AcceptedEvent | null {
    if (this.cursor.checkpoint !== null && comparePositions(allPosition, this.cursor.checkpoint) <= 0) return null;
    const position = this.cursor.position + 1;
    // Log time is ESDB's commit time, but never earlier than its predecessor's: readers may rely on
    // recordedAt being non-decreasing in position order even if the server clock steps back.
    const recordedAt = event.created > this.cursor.recordedAt ? event.created : this.cursor.recordedAt;
    const hash = chainHash(this.cursor.hash, hashedFieldsOf(event, position, recordedAt));
    const record: SealRecord = {
      position,
      hash,
      prevHash: this.cursor.hash,
      recordedAt,
      streamId: event.streamId,
      version: event.version,
      id: event.id,
      esdbStream: event.esdbStream,
      revision: event.revision,
      checkpoint: allPosition,
    };
    this.cursor = { position, hash, recordedAt, checkpoint: allPosition };
    if (this.expectation !== null && this.expectation.position === position) {
      this.assertSameHash(position, this.expectation.hash, hash);
      this.expectation = null;
    }
    if (position <= this.sealed) return { record, alreadySealed: true };
    this.pending.push(record);
    return { record, alreadySealed: false };
  }

  /** The next records to write, oldest first; the write must expect seal revision `sealedPosition`. */
  unsealed(max: number): readonly SealRecord[] {
    return this.pending.slice(0, max);
  }

  /** Our write of the first `count` unsealed records succeeded. */
  confirm(count: number): SealRecord[] {
    const done = this.pending.splice(0, count);
    if (done.length > 0) this.sealed = done[done.length - 1].position;
    return done;
  }

  /**
   * Another sealer moved the seal stream to `head`. Returns the pending records it covered (now
   * sealed, with the same values) and checks the chain at the head position.
   */
  reconcile(head: SealHead): SealRecord[] {
    if (head.position < this.sealed) {
      throw new ChainDivergedError(head.position, `seal stream went back from position ${this.sealed} to ${head.position}`);
    }
    this.sealed = head.position;
    const covered: SealRecord[] = [];
    while (this.pending.length > 0 && this.pending[0].position <= head.position) covered.push(this.pending.shift() as SealRecord);
    const atHead = covered.find((record) => record.position === head.position);
    if (atHead) this.assertSameHash(head.position, head.hash, atHead.hash);
    else if (head.position > this.cursor.position) this.expectation = { position: head.position, hash: head.hash };
    return covered;
  }

  private assertSameHash(position: number, theirs: string, ours: string): void {
    if (theirs !== ours) {
      throw new ChainDivergedError(
        position,
        `the seal stream holds hash ${theirs} at position ${position}, this sealer computed ${ours}: ` +
          'two sealers disagree about the log (different builds or stream prefixes?); sealing stopped',
      );
    }
  }
}
