import { actionItemHistory, foldActionItem, type ActionItem, type ActionItemEvent } from '@causeway/domain';
import type { JsonObject, StoredEvent } from '@causeway/event-store';
import { toActionItemHistoryResource, toActionItemResource } from './action-item.resource';

const ids = { actionItemId: 'item-1', incidentId: 'inc-1' };
const due = '2026-12-01T17:00:00.000Z';

function stored(events: readonly [ActionItemEvent, string][]): StoredEvent[] {
  return events.map(([event, actor], i) => ({
    position: i + 1,
    streamId: `action-item-${ids.actionItemId}`,
    version: i + 1,
    id: `id-${i}`,
    type: event.type,
    data: event.data as unknown as JsonObject,
    metadata: { actor, occurredAt: event.data.occurredAt },
    occurredAt: event.data.occurredAt,
    recordedAt: event.data.occurredAt,
    actor,
    hash: 'h',
    prevHash: 'p',
  }));
}

const events: [ActionItemEvent, string][] = [
  [
    {
      type: 'ActionItemCreated',
      data: { ...ids, title: 'Alert', owner: 'bob', dueAt: due, priority: 'P2', kind: 'corrective', description: null, team: null, occurredAt: '2026-11-01T00:00:00.000Z' },
    },
    'alice',
  ],
  [{ type: 'ActionItemAssigned', data: { ...ids, from: 'bob', to: 'carol', reason: null, occurredAt: '2026-11-02T00:00:00.000Z' } }, 'lead'],
  [{ type: 'ActionItemBecameOverdue', data: { ...ids, dueAt: due, detectedAt: '2026-12-02T00:00:00.000Z', occurredAt: '2026-12-02T00:00:00.000Z' } }, 'system'],
  [
    {
      type: 'ActionItemRescheduled',
      data: { ...ids, fromDueAt: due, toDueAt: '2026-12-03T17:00:00.000Z', slipSeconds: 172_800, reason: 'late', occurredAt: '2026-12-02T01:00:00.000Z' },
    },
    'carol',
  ],
  [{ type: 'ActionItemStarted', data: { ...ids, occurredAt: '2026-12-02T02:00:00.000Z' } }, 'carol'],
];

describe('action-item resources', () => {
  const item = foldActionItem(events.map(([event]) => event)) as ActionItem;

  it('pairs every history entry with the actor of its event (overdue flags are skipped)', () => {
    const history = toActionItemHistoryResource(item, actionItemHistory(events.map(([event]) => event)), stored(events), 5);
    expect(history.owners.map((o) => [o.owner, o.by])).toEqual([
      ['bob', 'alice'],
      ['carol', 'lead'],
    ]);
    expect(history.dueDates.map((d) => [d.dueAt, d.slipSeconds, d.by])).toEqual([
      [due, 0, 'alice'],
      ['2026-12-03T17:00:00.000Z', 172_800, 'carol'],
    ]);
    expect(history.statuses.map((s) => [s.status, s.by])).toEqual([
      ['open', 'alice'],
      ['in_progress', 'carol'],
    ]);
    expect(history.version).toBe(5);
  });

  it('has exactly the public fields, keeping the internal overdueFor out of the JSON', () => {
    const resource = toActionItemResource(item, 5, new Date('2026-12-03T16:59:59.000Z'));
    expect(Object.keys(resource)).toEqual([
      'id',
      'incidentId',
      'title',
      'owner',
      'dueAt',
      'priority',
      'kind',
      'description',
      'team',
      'status',
      'overdue',
      'overdueSince',
      'createdAt',
      'completedAt',
      'cancelledAt',
      'version',
    ]);
  });

  it('is overdue only while active and past its due date', () => {
    const before = toActionItemResource(item, 5, new Date('2026-12-03T16:59:59.000Z'));
    expect(before).toMatchObject({ overdue: false, overdueSince: null });
    const after = toActionItemResource(item, 5, new Date('2026-12-03T17:00:01.000Z'));
    expect(after).toMatchObject({ overdue: true, overdueSince: '2026-12-03T17:00:00.000Z', status: 'in_progress' });
    const done = toActionItemResource({ ...item, status: 'done' }, 6, new Date('2027-01-01T00:00:00.000Z'));
    expect(done).toMatchObject({ overdue: false, overdueSince: null });
  });
});
