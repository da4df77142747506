import type { ActionItemEvent } from '@causeway/domain';
import type { StoredEvent } from '@causeway/event-store';
import { evolveActionItemRow, versionChanges, type ActionItemRow } from './action-items.projection';
import { StoredEventFixture } from '../stored-event.fixture';

const ids = { actionItemId: 'item-1', incidentId: 'inc-1' };
const created: ActionItemEvent = {
  type: 'ActionItemCreated',
  data: {
    ...ids,
    title: 'Add alert',
    owner: 'bob',
    dueAt: '2026-12-01T00:00:00+01:00',
    priority: 'P2',
    kind: 'detective',
    description: null,
    team: 'team:sre',
    occurredAt: '2026-11-20T09:00:00.000Z',
  },
};

/** Applies events one by one, collecting the version rows each writes. */
function run(events: readonly StoredEvent[]) {
  let row: ActionItemRow | null = null;
  const versions = [];
  for (const event of events) {
    const next = evolveActionItemRow(row, event);
    versions.push(...versionChanges(row, next, event));
    row = next;
  }
  return { row, versions };
}

function at(event: StoredEvent, recordedAt: string): StoredEvent {
  return { ...event, recordedAt };
}

describe('action-item rows', () => {
  it('keeps the domain state in UTC with its version and position', () => {
    const log = new StoredEventFixture();
    const { row } = run([log.actionItem(created)]);
    expect(row).toMatchObject({
      id: 'item-1',
      incidentId: 'inc-1',
      owner: 'bob',
      team: 'team:sre',
      status: 'open',
      dueAt: '2026-11-30T23:00:00.000Z',
      overdueRecorded: false,
      version: 1,
      lastPosition: 1,
      validFromVersion: 1,
      validFrom: '2026-11-21T10:00:00.000Z',
    });
  });

  it('marks the row overdue-recorded for the current due date only, and a reschedule re-arms it', () => {
    const log = new StoredEventFixture();
    const creation = log.actionItem(created);
    const overdue = log.actionItem({
      type: 'ActionItemBecameOverdue',
      data: { ...ids, dueAt: '2026-11-30T23:00:00.000Z', detectedAt: '2026-12-01T00:00:01.000Z', occurredAt: '2026-12-01T00:00:01.000Z' },
    });
    const first = run([creation, overdue]);
    expect(first.row?.overdueRecorded).toBe(true);
    // Overdue marking changes none of the board's facts: no new stretch of history.
    expect(first.versions.map((v) => v.version)).toEqual([1]);

    const rescheduled = log.actionItem({
      type: 'ActionItemRescheduled',
      data: { ...ids, fromDueAt: '2026-11-30T23:00:00.000Z', toDueAt: '2026-12-10T00:00:00.000Z', slipSeconds: 781200, reason: 'vendor', occurredAt: '2026-12-02T00:00:00.000Z' },
    });
    const after = evolveActionItemRow(first.row, rescheduled);
    expect(after).toMatchObject({ overdueRecorded: false, dueAt: '2026-12-10T00:00:00.000Z', validFromVersion: 3 });
  });

  it('closes each stretch when the next change is recorded and opens a new one', () => {
    const log = new StoredEventFixture();
    const events = [
      at(log.actionItem(created), '2026-11-20T09:00:00.000Z'),
      at(log.actionItem({ type: 'ActionItemAssigned', data: { ...ids, from: 'bob', to: 'carol', reason: null, occurredAt: 'x' } }), '2026-11-21T09:00:00.000Z'),
      at(log.actionItem({ type: 'ActionItemCompleted', data: { ...ids, note: null, dueAt: '2026-11-30T23:00:00.000Z', onTime: true, occurredAt: 'x' } }), '2026-11-22T09:00:00.000Z'),
    ];
    const { versions } = run(events);
    expect(versions.map((v) => [v.version, v.owner, v.status, v.validFrom, v.validTo])).toEqual([
      [1, 'bob', 'open', '2026-11-20T09:00:00.000Z', null],
      [1, 'bob', 'open', '2026-11-20T09:00:00.000Z', '2026-11-21T09:00:00.000Z'],
      [2, 'carol', 'open', '2026-11-21T09:00:00.000Z', null],
      [2, 'carol', 'open', '2026-11-21T09:00:00.000Z', '2026-11-22T09:00:00.000Z'],
      [3, 'carol', 'done', '2026-11-22T09:00:00.000Z', null],
    ]);
  });

  it('ignores replayed events and streams that do not start with a creation', () => {
    const log = new StoredEventFixture();
    const first = log.actionItem(created);
    const started = log.actionItem({ type: 'ActionItemStarted', data: { ...ids, occurredAt: 'x' } });
    const row = evolveActionItemRow(evolveActionItemRow(null, first), started);
    expect(evolveActionItemRow(row, started)).toBe(row);
    expect(evolveActionItemRow(row, first)).toBe(row);
    expect(versionChanges(row, row, started)).toEqual([]);
    expect(evolveActionItemRow(null, started)).toBeNull();
  });
});
