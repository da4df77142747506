import type { EventShape, EventTypes, StoredEvent } from '@causeway/event-store';
import type { MigrationInterface } from 'typeorm';
import type { EntityClass } from '../storage/entity-class';
import type { ReadModelWriter } from '../storage/read-model.writer';

/**
 * A logged event that a projection's `EventTypes` recognised: still the JSON the log returned,
 * and now also typed as the domain event (its `type` narrows its `data`).
 */
export type ProjectedEvent<E extends EventShape> = StoredEvent & StoredEvent<E>;

export type { EntityClass } from '../storage/entity-class';

/** A TypeORM migration class. */
export type MigrationClass = new () => MigrationInterface;

/**
 * The schema changes that concern only one projection's tables, one list per driver (only the
 * active driver's list runs). Their names and timestamps are what databases in the field recorded.
 */
export interface ProjectionMigrations {
  readonly sqlite: readonly MigrationClass[];
  readonly postgres: readonly MigrationClass[];
}

/**
 * The stored rows a projection evolves, keyed by id: loaded before a batch is projected (ids
 * missing from the map are new). `Ids` and `Documents` are the projection's named slices of
 * `affectedIds()` and `ReadModelDocuments` (e.g. `{ incidentIds }` and `{ incidents }`).
 */
export interface DocumentAccess<E extends EventShape, Ids extends object, Documents extends object> {
  /** The ids of the documents these events evolve. */
  readonly ids: (events: readonly ProjectedEvent<E>[]) => Ids;
  readonly load: (writer: ReadModelWriter, ids: Ids) => Promise<Documents>;
}

/**
 * What a projection declares: its name, the events it handles, its pure fold and how its rows are
 * stored. `Changes` is its named slice of `ReadModelChanges` (e.g. `{ entries }`).
 */
export interface ProjectionDefinition<E extends EventShape, Changes extends object, Ids extends object, Documents extends object> {
  /** What `rebuild({ projection })` takes. */
  readonly name: string;
  readonly eventTypes: EventTypes<E>;
  /** Its tables: a rebuild of this projection empties exactly these. */
  readonly entities: readonly EntityClass[];
  readonly migrations?: ProjectionMigrations;
  /** `NO_DOCUMENTS` for projections whose rows follow from each event alone (the timeline). */
  readonly documents: DocumentAccess<E, Ids, Documents>;
  /** Pure: the rows a batch of this projection's events changes, starting from the stored documents. */
  readonly project: (events: readonly ProjectedEvent<E>[], documents: Documents) => Changes;
  /** Writes the changes in the caller's transaction; idempotent (rows upserted by key). */
  readonly save: (writer: ReadModelWriter, changes: Changes) => Promise<void>;
}

/**
 * A projection as the projector runs it: the event type is closed over, so the projector hands it
 * every event of a batch and `of()` keeps, once per batch, those it handles. Method syntax keeps a
 * registered projection assignable to `Projection<object, object, object>`, the shape the
 * projector's loops use.
 */
export interface Projection<Changes extends object, Ids extends object, Documents extends object> {
  readonly name: string;
  readonly entities: readonly EntityClass[];
  readonly migrations: ProjectionMigrations;
  /** Its share of a batch: the events it handles, picked out of `events` once. */
  of(events: readonly StoredEvent[]): ProjectionShare<Changes, Ids, Documents>;
  load(writer: ReadModelWriter, ids: Ids): Promise<Documents>;
  save(writer: ReadModelWriter, changes: Changes): Promise<void>;
}

/** One projection's events of one batch (see `Projection.of`). */
export interface ProjectionShare<Changes extends object, Ids extends object, Documents extends object> {
  /** The ids of the documents these events evolve. */
  ids(): Ids;
  /** Pure: the rows these events change, starting from the stored documents. */
  project(documents: Documents): Changes;
}

/** The erased shape every registered projection fits. */
export type AnyProjection = Projection<object, object, object>;

const NO_MIGRATIONS: ProjectionMigrations = { sqlite: [], postgres: [] };

type Nothing = Record<never, never>;

/** For a projection that loads nothing before projecting a batch. */
export const NO_DOCUMENTS: DocumentAccess<EventShape, Nothing, Nothing> = { ids: () => ({}), load: async () => ({}) };

export function defineProjection<E extends EventShape, Changes extends object, Ids extends object, Documents extends object>(
  definition: ProjectionDefinition<E, Changes, Ids, Documents>,
): Projection<Changes, Ids, Documents> {
  const { eventTypes, documents } = definition;
  return {
    name: definition.name,
    entities: definition.entities,
    migrations: definition.migrations ?? NO_MIGRATIONS,
    of: (events) => {
      const handled = events.filter((event): event is ProjectedEvent<E> => eventTypes.has(event));
      return { ids: () => documents.ids(handled), project: (loaded) => definition.project(handled, loaded) };
    },
    load: (writer, ids) => documents.load(writer, ids),
    save: (writer, changes) => definition.save(writer, changes),
  };
}

/** The distinct ids `idOf` finds in `events`, in first-seen order. */
export function distinctIds<Event extends StoredEvent>(events: readonly Event[], idOf: (event: Event) => string | null): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    const id = idOf(event);
    if (id !== null) ids.add(id);
  }
  return [...ids];
}

/**
 * Pure: folds `events` into the documents they belong to, starting from the stored ones (missing
 * ids are new), and returns each changed document once, in its state after the batch. Many events
 * of one document in a batch become one write of its final state. `onStep` sees every step.
 */
export function foldDocuments<Event extends StoredEvent, Doc>(
  events: readonly Event[],
  stored: ReadonlyMap<string, Doc>,
  idOf: (event: Event) => string | null,
  evolve: (doc: Doc | null, event: Event) => Doc | null,
  onStep?: (before: Doc | null, after: Doc | null, event: Event) => void,
): Doc[] {
  const next = new Map<string, Doc | null>();
  for (const event of events) {
    const id = idOf(event);
    if (id === null) continue;
    const before = next.has(id) ? (next.get(id) ?? null) : (stored.get(id) ?? null);
    const after = evolve(before, event);
    next.set(id, after);
    onStep?.(before, after, event);
  }
  const out: Doc[] = [];
  for (const [id, doc] of next) {
    if (doc !== null && doc !== stored.get(id)) out.push(doc);
  }
  return out;
}
