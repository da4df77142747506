import type { IncidentDeclared, IncidentEvent } from '@causeway/domain';
import type { StoredEvent } from '@causeway/event-store';
import { evolveIncidentSummary, INCIDENT_SUMMARY_EVENT_TYPES, type IncidentSummary } from './incident-summary.projection';
import { StoredEventFixture } from '../stored-event.fixture';

const id = '0192f0c4-0000-7000-8000-000000000001';
const at = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, '0')}:00.000Z`;

const declared: IncidentDeclared = {
  type: 'IncidentDeclared',
  data: {
    incidentId: id,
    title: 'Checkout latency',
    severity: 'SEV2',
    service: 'checkout',
    team: 'payments',
    vendorSite: 'eu-west',
    summary: 'p99 above 4s',
    commander: null,
    detectedAt: '2026-11-21T10:55:00+01:00',
    labels: { region: 'eu' },
    occurredAt: at(0),
  },
};

function project(events: readonly StoredEvent[], from: IncidentSummary | null = null): IncidentSummary | null {
  return events.reduce(evolveIncidentSummary, from);
}

describe('evolveIncidentSummary', () => {
  let log: StoredEventFixture;
  const record = (event: IncidentEvent, actor?: string) => log.incident(event, actor);
  beforeEach(() => {
    log = new StoredEventFixture();
  });

  it('handles every incident event type', () => {
    expect([...INCIDENT_SUMMARY_EVENT_TYPES].sort()).toEqual(
      [
        'IncidentAcknowledged',
        'IncidentClosed',
        'IncidentDeclared',
        'IncidentEscalated',
        'IncidentNoteAdded',
        'IncidentReopened',
        'IncidentResolved',
        'IncidentRoleAssigned',
        'IncidentSeverityChanged',
        'IncidentStatusChanged',
      ].sort(),
    );
  });

  it('builds the API resource from the declaration, with UTC times', () => {
    expect(project([record(declared)])).toEqual({
      id,
      title: 'Checkout latency',
      severity: 'SEV2',
      status: 'declared',
      service: 'checkout',
      team: 'payments',
      vendorSite: 'eu-west',
      summary: 'p99 above 4s',
      commander: null,
      roles: {},
      labels: { region: 'eu' },
      escalationLevel: 1,
      declaredAt: at(0),
      detectedAt: '2026-11-21T09:55:00.000Z',
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
      version: 1,
      lastPosition: 1,
    });
  });

  it('follows the whole lifecycle and tracks the stream version and position', () => {
    const unrelated = log.store('action-item-x', { type: 'ActionItemCreated', data: { occurredAt: at(1) } }, 'bob');
    const events = [
      record(declared),
      unrelated,
      record({ type: 'IncidentAcknowledged', data: { incidentId: id, note: null, occurredAt: at(2) } }),
      record({
        type: 'IncidentEscalated',
        data: {
          incidentId: id,
          reason: 'no progress',
          fromLevel: 1,
          toLevel: 2,
          toTeam: 'sre',
          severity: 'SEV1',
          previousSeverity: 'SEV2',
          auto: false,
          policyId: null,
          policyVersion: null,
          target: null,
          occurredAt: at(3),
        },
      }),
      record({ type: 'IncidentSeverityChanged', data: { incidentId: id, from: 'SEV1', to: 'SEV3', reason: 'contained', occurredAt: at(4) } }),
      record({ type: 'IncidentStatusChanged', data: { incidentId: id, from: 'declared', to: 'monitoring', note: null, occurredAt: at(5) } }),
      record({ type: 'IncidentNoteAdded', data: { incidentId: id, text: 'earlier', occurredAt: at(0) } }),
      record({ type: 'IncidentRoleAssigned', data: { incidentId: id, role: 'commander', assignee: 'dave', previousAssignee: null, occurredAt: at(6) } }),
      record({ type: 'IncidentRoleAssigned', data: { incidentId: id, role: 'scribe', assignee: 'erin', previousAssignee: null, occurredAt: at(7) } }),
      record({ type: 'IncidentResolved', data: { incidentId: id, resolution: 'rolled back', from: 'monitoring', occurredAt: at(8) } }),
      record({ type: 'IncidentReopened', data: { incidentId: id, reason: 'back again', occurredAt: at(9) } }),
      record({ type: 'IncidentResolved', data: { incidentId: id, resolution: 'fixed', from: 'investigating', occurredAt: at(10) } }),
      record({ type: 'IncidentClosed', data: { incidentId: id, occurredAt: at(11) } }),
    ];
    const summary = project(events);
    expect(summary).toMatchObject({
      status: 'closed',
      severity: 'SEV3',
      escalationLevel: 2,
      commander: 'dave',
      roles: { commander: 'dave', scribe: 'erin' },
      acknowledgedAt: at(2),
      // Reopening voids the first mitigation; resolving without monitoring sets it again.
      mitigatedAt: at(10),
      resolvedAt: at(10),
      closedAt: at(11),
      version: 12,
      lastPosition: 13,
    });
  });

  it('is a no-op for events it already applied (replay)', () => {
    const first = record(declared);
    const ack = record({ type: 'IncidentAcknowledged', data: { incidentId: id, note: 'on it', occurredAt: at(2) } });
    const once = project([first, ack]);
    expect(project([first, ack], once)).toBe(once);
    expect(evolveIncidentSummary(once, first)).toBe(once);
  });

  it('ignores other aggregates and streams that do not start with a declaration', () => {
    const other = log.apiKey({
      type: 'ApiKeyCreated',
      data: { keyId: 'k', name: 'n', role: 'admin', keyHash: 'h', keyPrefix: 'cw_', occurredAt: at(0) },
    });
    expect(evolveIncidentSummary(null, other)).toBeNull();
    expect(evolveIncidentSummary(null, record({ type: 'IncidentClosed', data: { incidentId: id, occurredAt: at(1) } }))).toBeNull();
  });

  it('is unaffected by RCA events of the same incident (they only reach the timeline)', () => {
    const doc = project([record(declared)])!;
    const rca = log.rca({ type: 'RcaSubmitted', data: { incidentId: id, occurredAt: at(2) } });
    expect(evolveIncidentSummary(doc, rca)).toBe(doc);
    expect(evolveIncidentSummary(null, rca)).toBeNull();
  });
});
