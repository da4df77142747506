import type { IncidentEvent } from '@causeway/domain';
import { affectedIds, projectBatch } from './read-models.projection';
import { StoredEventFixture } from './stored-event.fixture';

const at = '2026-11-21T10:00:00.000Z';
const declared = (incidentId: string): IncidentEvent => ({
  type: 'IncidentDeclared',
  data: {
    incidentId,
    title: `Incident ${incidentId}`,
    severity: 'SEV3',
    service: 'web',
    team: null,
    vendorSite: null,
    summary: null,
    commander: null,
    detectedAt: at,
    labels: {},
    occurredAt: at,
  },
});
const note = (incidentId: string, text: string): IncidentEvent => ({ type: 'IncidentNoteAdded', data: { incidentId, text, occurredAt: at } });

describe('projectBatch', () => {
  it('writes each touched incident once, in its state after the batch, and every timeline entry in order', () => {
    const log = new StoredEventFixture();
    const events = [
      log.incident(declared('a')),
      log.incident(declared('b')),
      log.incident(note('a', 'one')),
      log.apiKey({ type: 'ApiKeyCreated', data: { keyId: 'k', name: 'ci', role: 'lead', keyHash: 'h', keyPrefix: 'cw_', occurredAt: at } }),
      log.incident(note('a', 'two')),
      log.store('action-item-x', { type: 'ActionItemCreated', data: { occurredAt: at } }, 'bob'),
    ];
    expect(affectedIds(events)).toEqual({ incidentIds: ['a', 'b'], apiKeyIds: ['k'], actionItemIds: [] });

    const changes = projectBatch(events, { incidents: new Map(), apiKeys: new Map(), actionItems: new Map() });
    expect(changes.incidents.map((doc) => [doc.id, doc.version, doc.lastPosition])).toEqual([
      ['a', 3, 5],
      ['b', 1, 2],
    ]);
    expect(changes.entries.map((entry) => entry.position)).toEqual([1, 2, 3, 5]);
    expect(changes.apiKeys.map((key) => key.id)).toEqual(['k']);
  });

  it('continues from the stored documents and leaves unchanged ones out', () => {
    const log = new StoredEventFixture();
    const first = projectBatch([log.incident(declared('a')), log.incident(declared('b'))], { incidents: new Map(), apiKeys: new Map(), actionItems: new Map() });
    const stored = new Map(first.incidents.map((doc) => [doc.id, doc]));

    const next = projectBatch([log.incident(note('b', 'later'))], { incidents: stored, apiKeys: new Map(), actionItems: new Map() });
    expect(next.incidents).toEqual([{ ...stored.get('b'), version: 2, lastPosition: 3 }]);

    // A replayed batch changes no document (the timeline rows are ignored by position when stored).
    const replayed = projectBatch([log.incident(declared('a'))].map((event) => ({ ...event, version: 1 })), { incidents: stored, apiKeys: new Map(), actionItems: new Map() });
    expect(replayed.incidents).toEqual([]);
  });

  it("adds RCA events to their incident's timeline without touching the incident summary", () => {
    const log = new StoredEventFixture();
    const events = [
      log.incident(declared('a')),
      log.rca({ type: 'RcaSubmitted', data: { incidentId: 'a', occurredAt: at } }, 'bob'),
      log.incident(note('a', 'one')),
      log.rca({ type: 'RcaApproved', data: { incidentId: 'b', occurredAt: at } }, 'lead'),
    ];
    // RCA events need no stored document: nothing more to load for them.
    expect(affectedIds(events)).toEqual({ incidentIds: ['a'], apiKeyIds: [], actionItemIds: [] });

    const changes = projectBatch(events, { incidents: new Map(), apiKeys: new Map(), actionItems: new Map() });
    expect(changes.incidents.map((doc) => [doc.id, doc.version, doc.lastPosition])).toEqual([['a', 2, 3]]);
    expect(changes.entries.map((entry) => [entry.position, entry.incidentId, entry.summary])).toEqual([
      [1, 'a', 'Incident declared (SEV3) on web by alice: Incident a'],
      [2, 'a', 'RCA submitted for review by bob'],
      [3, 'a', 'Note by alice: one'],
      [4, 'b', 'RCA approved by lead'],
    ]);
  });

  it("adds action-item events to their incident's timeline and the action-item rows, not the incident summary", () => {
    const log = new StoredEventFixture();
    const ids = { actionItemId: 'item-1', incidentId: 'a' };
    const events = [
      log.incident(declared('a')),
      log.actionItem(
        {
          type: 'ActionItemCreated',
          data: { ...ids, title: 'Add alert', owner: 'bob', dueAt: '2026-12-01T00:00:00.000Z', priority: 'P2', kind: 'corrective', description: null, team: null, occurredAt: at },
        },
        'alice',
      ),
      log.actionItem({ type: 'ActionItemStarted', data: { ...ids, occurredAt: at } }, 'bob'),
    ];
    expect(affectedIds(events)).toEqual({ incidentIds: ['a'], apiKeyIds: [], actionItemIds: ['item-1'] });

    const changes = projectBatch(events, { incidents: new Map(), apiKeys: new Map(), actionItems: new Map() });
    expect(changes.incidents.map((doc) => [doc.id, doc.version, doc.lastPosition])).toEqual([['a', 1, 1]]);
    expect(changes.entries.map((entry) => [entry.position, entry.incidentId, entry.summary])).toEqual([
      [1, 'a', 'Incident declared (SEV3) on web by alice: Incident a'],
      [2, 'a', 'Action item created by alice: Add alert (owner bob, due 2026-12-01, P2 corrective)'],
      [3, 'a', 'Action item started by bob'],
    ]);
    // One row per item in its state after the batch; two stretches of board history, the first closed.
    expect(changes.actionItems.map((row) => [row.id, row.status, row.version, row.validFromVersion])).toEqual([['item-1', 'in_progress', 2, 2]]);
    expect(changes.actionItemVersions.map((row) => [row.version, row.status, row.validTo])).toEqual([
      [1, 'open', events[2].recordedAt],
      [2, 'in_progress', null],
    ]);
  });
});
