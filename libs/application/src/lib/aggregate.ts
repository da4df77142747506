import {
  ACTION_ITEM_EVENT_TYPES,
  actionItemDecider,
  API_KEY_EVENT_TYPES,
  apiKeyDecider,
  INCIDENT_EVENT_TYPES,
  incidentDecider,
  RCA_EVENT_TYPES,
  rcaDecider,
  type Decider,
  type DomainEvent,
} from '@causeway/domain';
import { EventTypes, type EventStore, type StoredEvent } from '@causeway/event-store';

export type AnyDomainEvent = DomainEvent<string, { readonly occurredAt: string }>;

/**
 * A decider together with its event types: what the write path needs to read the aggregate's
 * stream back as the decider's own events (checked, not cast) and fold them.
 */
export interface Aggregate<Command, Event extends AnyDomainEvent, State> extends Decider<Command, Event, State> {
  readonly eventTypes: EventTypes<Event>;
}

export function aggregate<Command, Event extends AnyDomainEvent, State>(
  decider: Decider<Command, Event, State>,
  eventTypes: readonly Event['type'][],
): Aggregate<Command, Event, State> {
  return { ...decider, eventTypes: new EventTypes<Event>(eventTypes) };
}

export const incidentAggregate = aggregate(incidentDecider, INCIDENT_EVENT_TYPES);
export const rcaAggregate = aggregate(rcaDecider, RCA_EVENT_TYPES);
export const actionItemAggregate = aggregate(actionItemDecider, ACTION_ITEM_EVENT_TYPES);
export const apiKeyAggregate = aggregate(apiKeyDecider, API_KEY_EVENT_TYPES);

/** Folds events read with the aggregate's `eventTypes` into its state, from the initial state or `from`. */
export function fold<Command, Event extends AnyDomainEvent, State>(
  decider: Decider<Command, Event, State>,
  events: readonly StoredEvent<Event>[],
  from: State = decider.initialState(),
): State {
  return events.reduce<State>((state, event) => decider.evolve(state, event), from);
}

/** The aggregate's stream as its own events: each one checked against its event types. */
export function readEvents<Command, Event extends AnyDomainEvent, State>(
  store: EventStore,
  aggregate: Aggregate<Command, Event, State>,
  streamId: string,
): Promise<StoredEvent<Event>[]> {
  return store.readStream(streamId, { eventTypes: aggregate.eventTypes });
}
