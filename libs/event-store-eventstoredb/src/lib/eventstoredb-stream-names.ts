/*
 * The EventStoreDB (ESDB) streams this adapter writes: the callers' own, under an optional prefix,
 * and its bookkeeping streams (seals, per-stream index, id claims). Pure, so unit-tested.
 */

/**
 * Every stream Causeway writes besides the callers' own carries this marker right after the prefix,
 * so one regular expression can tell the log's events from its bookkeeping.
 */
export const INTERNAL_MARKER = 'causeway~';

/** The stream whose link events define the dense, hash-chained order of the log. */
export function sealStreamName(prefix: string): string {
  return `${prefix}${INTERNAL_MARKER}seal`;
}

/** One stream per event id: written with `no_stream`, it is the id's log-wide uniqueness claim. */
export function claimStreamName(prefix: string, eventId: string): string {
  return `${prefix}${INTERNAL_MARKER}id~${eventId}`;
}

/** Per caller stream: version → position and hashes, so stream reads need not scan the seal stream. */
export function indexStreamName(prefix: string, streamId: string): string {
  return `${prefix}${INTERNAL_MARKER}ix~${streamId}`;
}

export function esdbStreamName(prefix: string, streamId: string): string {
  return `${prefix}${streamId}`;
}

/** The caller's stream id for an ESDB stream of this store, or null for any other stream. */
export function streamIdFromEsdb(prefix: string, esdbStream: string): string | null {
  if (esdbStream.startsWith('$') || !esdbStream.startsWith(prefix)) return null;
  const streamId = esdbStream.slice(prefix.length);
  if (streamId.length === 0 || streamId.startsWith(INTERNAL_MARKER)) return null;
  return streamId;
}

/**
 * The server-side filter of the sealer's `$all` subscription: this store's caller streams only. It
 * excludes system streams (`$…`, which also hides the `$>` links of system projections) and the
 * store's own bookkeeping streams. .NET regular expressions support the lookaheads.
 */
export function userStreamRegex(prefix: string): string {
  return `^(?!\\$)${escapeRegex(prefix)}(?!${escapeRegex(INTERNAL_MARKER)})`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function assertStreamPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new TypeError('EventStoreDB streamPrefix must be a string');
  // A `$` prefix would make every stream a system stream (admin-only ACLs, filtered out as system).
  if (prefix.startsWith('$')) throw new TypeError(`EventStoreDB streamPrefix must not start with '$': ${prefix}`);
  if (prefix.includes(INTERNAL_MARKER)) throw new TypeError(`EventStoreDB streamPrefix must not contain '${INTERNAL_MARKER}'`);
}

export function assertUserStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('append: streamId must be a non-empty string');
  if (streamId.startsWith('$')) throw new TypeError(`streamId must not start with '$' (EventStoreDB system streams): ${streamId}`);
  if (streamId.startsWith(INTERNAL_MARKER)) throw new TypeError(`streamId must not start with '${INTERNAL_MARKER}': ${streamId}`);
}
