import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  type CommitOutcome,
  type EventMetadata,
  type ExpectedVersion,
  type JsonObject,
  type PreparedAppend,
  type StoredEvent,
} from '@causeway/event-store';

/* The rows the PostgreSQL store's statements return, as the port's results and events. */

/** An append that committed (or was found committed already) and now needs its position. */
export interface Committed {
  readonly nextVersion: number;
  readonly lastSeq: string;
  readonly transactionId: string;
  /** The rows it wrote (none for a duplicate). */
  readonly seqs: readonly string[];
  readonly duplicate: boolean;
}

export type AppendRow = [
  outcome: string,
  actual: number,
  lastSeq: string | null,
  transactionId: string | null,
  seqs: string[] | null,
  conflictId: string | null,
  conflictStream: string | null,
];

export type EventRow = [
  position: string,
  streamId: string,
  version: number,
  id: string,
  type: string,
  data: string,
  metadata: string,
  occurredAt: string,
  recordedAt: string,
  actor: string,
  hash: string,
  prevHash: string,
];

export function toOutcome(request: PreparedAppend, [outcome, actual, lastSeq, transactionId, seqs, conflictId, conflictStream]: AppendRow): CommitOutcome<Committed> {
  switch (outcome) {
    case 'ok':
    case 'duplicate':
      return {
        ok: true,
        value: {
          nextVersion: actual,
          lastSeq: lastSeq as string,
          transactionId: transactionId as string,
          seqs: seqs ?? [],
          duplicate: outcome === 'duplicate',
        },
      };
    case 'wrong_version':
      return { ok: false, error: new WrongExpectedVersionError(request.streamId, request.expectedVersion, actual) };
    case 'duplicate_id': {
      const id = conflictId as string;
      return {
        ok: false,
        error: new DuplicateEventIdError(
          id,
          conflictStream === request.streamId
            ? `Event id ${id} is already stored in stream ${conflictStream}, but this append is not an exact repeat of stored events`
            : `Event id ${id} is already stored in another stream (${conflictStream})`,
        ),
      };
    }
    default:
      return { ok: false, error: new Error(`causeway_append returned an unknown outcome: ${outcome}`) };
  }
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    position: Number(row[0]),
    streamId: row[1],
    version: row[2],
    id: row[3],
    type: row[4],
    data: JSON.parse(row[5]) as JsonObject,
    metadata: JSON.parse(row[6]) as EventMetadata,
    occurredAt: row[7],
    recordedAt: row[8],
    actor: row[9],
    hash: row[10],
    prevHash: row[11],
  };
}

/** `expectedVersion` as `causeway_append` takes it: n >= 0, -1 any, -2 no_stream, -3 exists. */
export function expectedCode(expected: ExpectedVersion): number {
  return expected === 'any' ? -1 : expected === 'no_stream' ? -2 : expected === 'exists' ? -3 : expected;
}
