import type { ActionItemEvent, ApiKeyEvent, IncidentEvent, RcaEvent } from '@causeway/domain';
import type { JsonObject, StoredEvent } from '@causeway/event-store';

/**
 * Builds stored events for unit tests: a stream's events get consecutive versions and the log's
 * positions, as a real store would assign them.
 */
export class StoredEventFixture {
  private position = 0;
  private readonly versions = new Map<string, number>();

  constructor(private readonly recordedAt = '2026-11-21T10:00:00.000Z') {}

  incident(event: IncidentEvent, actor = 'alice'): StoredEvent {
    return this.store(`incident-${event.data.incidentId}`, event, actor);
  }

  rca(event: RcaEvent, actor = 'alice'): StoredEvent {
    return this.store(`rca-${event.data.incidentId}`, event, actor);
  }

  actionItem(event: ActionItemEvent, actor = 'alice'): StoredEvent {
    return this.store(`action-item-${event.data.actionItemId}`, event, actor);
  }

  apiKey(event: ApiKeyEvent, actor = 'admin'): StoredEvent {
    return this.store(`api-key-${event.data.keyId}`, event, actor);
  }

  store(streamId: string, event: { readonly type: string; readonly data: { readonly occurredAt: string } }, actor: string): StoredEvent {
    const version = (this.versions.get(streamId) ?? 0) + 1;
    this.versions.set(streamId, version);
    this.position += 1;
    return {
      position: this.position,
      streamId,
      version,
      id: `00000000-0000-7000-8000-${String(this.position).padStart(12, '0')}`,
      type: event.type,
      data: asLogged(event.data),
      metadata: { actor, occurredAt: event.data.occurredAt },
      occurredAt: event.data.occurredAt,
      recordedAt: this.recordedAt,
      actor,
      hash: 'h'.repeat(64),
      prevHash: '0'.repeat(64),
    };
  }
}

/** The data as the log returns it: the JSON round trip every store makes. */
function asLogged(data: object): JsonObject {
  return JSON.parse(JSON.stringify(data)) as JsonObject;
}
