import type { StoredEvent } from '@causeway/event-store';
import type { ReadModelWriter } from '../storage/read-model.writer';
import type { AnyProjection, Projection } from './projection';
import { PROJECTIONS } from './registry';

type Registered = (typeof PROJECTIONS)[number];
type Merged<U> = (U extends unknown ? (slice: U) => void : never) extends (slice: infer I) => void ? I : never;
type ChangesOf<P> = P extends Projection<infer Changes, object, object> ? Changes : never;
type IdsOf<P> = P extends Projection<object, infer Ids, object> ? Ids : never;
type DocumentsOf<P> = P extends Projection<object, object, infer Documents> ? Documents : never;

/**
 * What a batch of events changes in the read models: every registered projection's slice
 * (`incidents`, `entries`, `apiKeys`, `actionItems`, `actionItemVersions`, …). Documents appear
 * once each, in their state after the batch.
 */
export type ReadModelChanges = Merged<ChangesOf<Registered>>;

/** The documents a batch reads before it is projected, per projection; missing ids are new. */
export type ReadModelDocuments = Merged<DocumentsOf<Registered>>;

/** The ids of the documents a batch touches, per projection (`incidentIds`, …). */
export type ReadModelIds = Merged<IdsOf<Registered>>;

const ALL: readonly AnyProjection[] = PROJECTIONS;

/**
 * Every slice a projection contributes, merged. Each registered projection adds its own keys, so
 * the merge over all of them is the intersection the types above name.
 */
function merge<T>(slices: readonly object[]): T {
  return Object.assign({}, ...slices) as T;
}

/**
 * The documents a batch touches: the ids to load before projecting it. RCA events only add timeline
 * entries, so they load nothing.
 */
export function affectedIds(events: readonly StoredEvent[]): ReadModelIds {
  return merge(ALL.map((projection) => projection.of(events).ids()));
}

/**
 * Pure: applies every projection to a batch, in log order, starting from the documents as stored
 * (missing ids are new). Many events of one incident in a batch become one write of its final state.
 */
export function projectBatch(events: readonly StoredEvent[], documents: ReadModelDocuments): ReadModelChanges {
  return merge(ALL.map((projection) => projection.of(events).project(documents)));
}

/**
 * `projectBatch` from the documents as stored, loaded in the caller's transaction: each projection
 * picks its events out of the batch once, for both its ids and its fold.
 */
export async function loadAndProjectBatch(writer: ReadModelWriter, events: readonly StoredEvent[]): Promise<ReadModelChanges> {
  const shares = ALL.map((projection) => projection.of(events));
  const slices: object[] = [];
  for (const [index, projection] of ALL.entries()) slices.push(await projection.load(writer, shares[index].ids()));
  const documents = merge<ReadModelDocuments>(slices);
  return merge(shares.map((share) => share.project(documents)));
}

/** Writes every projection's changes, in the caller's transaction. */
export async function saveChanges(writer: ReadModelWriter, changes: ReadModelChanges): Promise<void> {
  for (const projection of ALL) await projection.save(writer, changes);
}
