import type { CurrentRevision } from '@eventstore/db-client';
import { StoreUnavailableError, WrongExpectedVersionError, messageOf, type ExpectedVersion } from '@causeway/event-store';
import { versionFromCurrentRevision } from './eventstoredb-revisions';

/* The client's errors as the port's: conflicts, missing streams and an unreachable server. */

interface EsdbWrongExpectedVersion {
  readonly type: 'wrong-expected-version';
  readonly actualVersion: CurrentRevision;
}

/** Matched by the client's `type` tag rather than `instanceof`: Jest can load two copies of the client. */
export function isEsdbWrongExpectedVersion(error: unknown): error is EsdbWrongExpectedVersion {
  return errorType(error) === 'wrong-expected-version';
}

export function isStreamNotFound(error: unknown): boolean {
  return errorType(error) === 'stream-not-found';
}

/** Our error for ESDB's, with the actual version translated to ours. */
export function toWrongExpectedVersionError(
  error: EsdbWrongExpectedVersion,
  streamId: string,
  expected: ExpectedVersion,
): WrongExpectedVersionError {
  return new WrongExpectedVersionError(streamId, expected, versionFromCurrentRevision(error.actualVersion));
}

const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);
/** gRPC status codes that mean "no answer", for errors the client passes through unconverted. */
const UNAVAILABLE_GRPC_CODES = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 10 /* ABORTED */, 14 /* UNAVAILABLE */]);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** True when the error says the server could not be reached or did not answer (HTTP 503 territory). */
export function isUnavailableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { type, code, message } = error as { type?: unknown; code?: unknown; message?: unknown };
  if (typeof type === 'string' && UNAVAILABLE_TYPES.has(type)) return true;
  // A server-side wrong-expected-version and the like carry their own type; a bare gRPC status
  // (the client leaves some, e.g. from its capability probe, unconverted) carries only a code.
  if (type === undefined && typeof code === 'number' && UNAVAILABLE_GRPC_CODES.has(code)) return true;
  if (typeof code === 'string' && UNAVAILABLE_ERRNOS.has(code)) return true;
  // Cluster discovery gives up with a plain Error.
  return typeof message === 'string' && /Failed to discover after \d+ attempts/.test(message);
}

/** StoreUnavailableError for connectivity failures; every other error is returned unchanged. */
export function toStoreError(error: unknown, action: string): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailableError(error)) return error;
  return new StoreUnavailableError(`EventStoreDB ${action} failed: ${messageOf(error)}`, { cause: error });
}

function errorType(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
}
