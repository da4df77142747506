import { ANY, NO_STREAM, STREAM_EXISTS, type AppendExpectedRevision, type CurrentRevision } from '@eventstore/db-client';
import type { ExpectedVersion } from '@causeway/event-store';

/* The port's stream versions and expected versions as ESDB revisions, and back. */

/**
 * Our stream versions count events from 1 (a stream at version n holds n events); ESDB revisions
 * number them from 0. The revision an append expects when the stream is at `version`.
 */
export function revisionForVersion(version: number): bigint | typeof NO_STREAM {
  assertVersion(version);
  return version === 0 ? NO_STREAM : BigInt(version - 1);
}

/** The direct ESDB equivalent of an expected version (used when no read is needed first). */
export function toAppendExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    default:
      return revisionForVersion(expected);
  }
}

/** The version of the event stored at an ESDB revision. */
export function versionFromRevision(revision: bigint): number {
  const version = Number(revision) + 1;
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`EventStoreDB revision out of range: ${revision}`);
  return version;
}

/** A stream's version from ESDB's "current revision" (what a wrong-expected-version error reports). */
export function versionFromCurrentRevision(current: CurrentRevision): number {
  return current === NO_STREAM ? 0 : versionFromRevision(current);
}

export function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'any' || expected === 'no_stream' || expected === 'exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new TypeError(`append: invalid expectedVersion ${String(expected)}`);
}

function assertVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`stream version must be a non-negative integer, got ${version}`);
}
