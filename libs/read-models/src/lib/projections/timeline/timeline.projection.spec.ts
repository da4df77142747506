import type { ActionItemEvent, IncidentEscalated, IncidentEvent, RcaEvent } from '@causeway/domain';
import { StoredEventFixture } from '../stored-event.fixture';
import { formatSlip, SUMMARY_TEXT_MAX, timelineIncidentIdOf, toTimelineEntry } from './timeline.projection';

const id = '0192f0c4-0000-7000-8000-000000000001';
const at = '2026-11-21T10:00:00.000Z';

function line(event: IncidentEvent, actor = 'alice'): string | undefined {
  return toTimelineEntry(new StoredEventFixture().incident(event, actor))?.summary;
}

const escalation = (overrides: Partial<IncidentEscalated['data']>): IncidentEscalated => ({
  type: 'IncidentEscalated',
  data: {
    incidentId: id,
    reason: 'no response',
    fromLevel: 1,
    toLevel: 2,
    toTeam: null,
    severity: null,
    previousSeverity: null,
    auto: false,
    policyId: null,
    policyVersion: null,
    target: null,
    occurredAt: at,
    ...overrides,
  },
});

describe('toTimelineEntry', () => {
  it('maps the envelope: position, business time in UTC, log time, actor, type and data', () => {
    const stored = new StoredEventFixture('2026-11-21T12:00:00.000Z').incident(
      { type: 'IncidentNoteAdded', data: { incidentId: id, text: 'DNS flapped', occurredAt: '2026-11-21T09:30:00+01:00' } },
      'carol',
    );
    expect(toTimelineEntry(stored)).toEqual({
      position: 1,
      incidentId: id,
      occurredAt: '2026-11-21T08:30:00.000Z',
      recordedAt: '2026-11-21T12:00:00.000Z',
      type: 'IncidentNoteAdded',
      actor: 'carol',
      summary: 'Note by carol: DNS flapped',
      data: { incidentId: id, text: 'DNS flapped', occurredAt: '2026-11-21T09:30:00+01:00' },
    });
  });

  it('is null for events that are not on an incident timeline', () => {
    const log = new StoredEventFixture();
    expect(
      toTimelineEntry(
        log.apiKey({ type: 'ApiKeyRevoked', data: { keyId: 'k', occurredAt: at } }),
      ),
    ).toBeNull();
  });

  describe('summary lines', () => {
    it.each<[string, IncidentEvent, string]>([
      [
        'declared',
        {
          type: 'IncidentDeclared',
          data: {
            incidentId: id,
            title: 'Checkout latency',
            severity: 'SEV2',
            service: 'checkout',
            team: null,
            vendorSite: null,
            summary: null,
            commander: null,
            detectedAt: at,
            labels: {},
            occurredAt: at,
          },
        },
        'Incident declared (SEV2) on checkout by alice: Checkout latency',
      ],
      ['acknowledged', { type: 'IncidentAcknowledged', data: { incidentId: id, note: null, occurredAt: at } }, 'Acknowledged by alice'],
      [
        'acknowledged with a note',
        { type: 'IncidentAcknowledged', data: { incidentId: id, note: 'looking', occurredAt: at } },
        'Acknowledged by alice: looking',
      ],
      ['escalated', escalation({}), 'Escalated to level 2 by alice: no response'],
      ['escalated to a team', escalation({ toTeam: 'payments' }), 'Escalated to level 2 (team payments) by alice: no response'],
      [
        'escalated with a severity change',
        escalation({ toLevel: 3, toTeam: 'sre', severity: 'SEV1', previousSeverity: 'SEV3' }),
        'Escalated to level 3 (team sre, SEV3 → SEV1) by alice: no response',
      ],
      [
        'escalated by a policy',
        escalation({ auto: true, policyId: 'p1', policyVersion: 2, target: { team: 'db', person: 'frank' } }),
        'Escalated automatically to level 2 (team db, person frank) by alice: no response',
      ],
      [
        'severity raised',
        { type: 'IncidentSeverityChanged', data: { incidentId: id, from: 'SEV3', to: 'SEV1', reason: 'customer impact widened', occurredAt: at } },
        'Severity raised SEV3 → SEV1 by alice: customer impact widened',
      ],
      [
        'severity lowered',
        { type: 'IncidentSeverityChanged', data: { incidentId: id, from: 'SEV1', to: 'SEV4', reason: 'contained', occurredAt: at } },
        'Severity lowered SEV1 → SEV4 by alice: contained',
      ],
      [
        'status changed',
        { type: 'IncidentStatusChanged', data: { incidentId: id, from: 'investigating', to: 'identified', note: null, occurredAt: at } },
        'Status investigating → identified by alice',
      ],
      [
        'status changed with a note',
        { type: 'IncidentStatusChanged', data: { incidentId: id, from: 'identified', to: 'monitoring', note: 'fix deployed', occurredAt: at } },
        'Status identified → monitoring by alice: fix deployed',
      ],
      ['note', { type: 'IncidentNoteAdded', data: { incidentId: id, text: 'restarted pods', occurredAt: at } }, 'Note by alice: restarted pods'],
      [
        'role assigned',
        { type: 'IncidentRoleAssigned', data: { incidentId: id, role: 'commander', assignee: 'dave', previousAssignee: null, occurredAt: at } },
        'Role commander assigned to dave by alice',
      ],
      [
        'role reassigned',
        { type: 'IncidentRoleAssigned', data: { incidentId: id, role: 'scribe', assignee: 'dave', previousAssignee: 'erin', occurredAt: at } },
        'Role scribe assigned to dave (replacing erin) by alice',
      ],
      [
        'resolved',
        { type: 'IncidentResolved', data: { incidentId: id, resolution: 'rolled back', from: 'monitoring', occurredAt: at } },
        'Resolved by alice: rolled back',
      ],
      ['reopened', { type: 'IncidentReopened', data: { incidentId: id, reason: 'errors again', occurredAt: at } }, 'Reopened by alice: errors again'],
      ['closed', { type: 'IncidentClosed', data: { incidentId: id, occurredAt: at } }, 'Closed by alice'],
    ])('%s', (_name, event, expected) => {
      expect(line(event)).toBe(expected);
    });

    it('keeps free text on one line and cuts it short; data keeps the full text', () => {
      const text = `first line\n\nsecond\tline ${'x'.repeat(500)}`;
      const stored = new StoredEventFixture().incident({ type: 'IncidentNoteAdded', data: { incidentId: id, text, occurredAt: at } }, 'bob');
      const entry = toTimelineEntry(stored)!;
      expect(entry.summary).toMatch(/^Note by bob: first line second line x+…$/);
      expect(entry.summary).not.toContain('\n');
      expect(entry.summary.length).toBe('Note by bob: '.length + SUMMARY_TEXT_MAX);
      expect(entry.data['text']).toBe(text);
    });
  });

  describe('RCA events (stream rca-<incidentId>)', () => {
    const content = {
      summary: 'Checkout returned 500',
      rootCause: 'Pool halved by a config change',
      category: 'software-defect',
      contributingFactors: [{ category: 'monitoring-gap', description: 'No alert' }],
      whys: ['Requests timed out'],
      lessons: null,
    };
    const rcaLine = (event: RcaEvent, actor = 'alice'): string | undefined => toTimelineEntry(new StoredEventFixture().rca(event, actor))?.summary;

    it.each<[string, RcaEvent, string, string]>([
      ['drafted', { type: 'RcaDrafted', data: { incidentId: id, ...content, occurredAt: at } }, 'alice', 'RCA drafted by alice (category: software-defect)'],
      [
        'updated',
        { type: 'RcaUpdated', data: { incidentId: id, ...content, changedFields: ['rootCause', 'whys'], occurredAt: at } },
        'bob',
        'RCA updated by bob: rootCause, whys',
      ],
      ['submitted', { type: 'RcaSubmitted', data: { incidentId: id, occurredAt: at } }, 'carol', 'RCA submitted for review by carol'],
      [
        'changes requested',
        { type: 'RcaChangesRequested', data: { incidentId: id, comment: 'Add the\ntimeline', occurredAt: at } },
        'lead',
        'Changes requested by lead: Add the timeline',
      ],
      ['approved', { type: 'RcaApproved', data: { incidentId: id, occurredAt: at } }, 'lead', 'RCA approved by lead'],
      ['published', { type: 'RcaPublished', data: { incidentId: id, occurredAt: at } }, 'lead', 'RCA published by lead'],
    ])('%s', (_name, event, actor, expected) => {
      expect(rcaLine(event, actor)).toBe(expected);
    });

    it("puts the entry on the incident's timeline with the event's business time", () => {
      const stored = new StoredEventFixture('2026-11-21T12:00:00.000Z').rca(
        { type: 'RcaSubmitted', data: { incidentId: id, occurredAt: '2026-11-21T11:00:00+01:00' } },
        'carol',
      );
      expect(stored.streamId).toBe(`rca-${id}`);
      expect(toTimelineEntry(stored)).toEqual({
        position: 1,
        incidentId: id,
        occurredAt: '2026-11-21T10:00:00.000Z',
        recordedAt: '2026-11-21T12:00:00.000Z',
        type: 'RcaSubmitted',
        actor: 'carol',
        summary: 'RCA submitted for review by carol',
        data: { incidentId: id, occurredAt: '2026-11-21T11:00:00+01:00' },
      });
    });

    it('cuts a long change-request comment to one short line', () => {
      const comment = `please ${'x'.repeat(500)}`;
      const entry = toTimelineEntry(new StoredEventFixture().rca({ type: 'RcaChangesRequested', data: { incidentId: id, comment, occurredAt: at } }, 'bob'))!;
      expect(entry.summary.length).toBe('Changes requested by bob: '.length + SUMMARY_TEXT_MAX);
      expect(entry.data['comment']).toBe(comment);
    });
  });

  describe('action-item events (stream action-item-<id>)', () => {
    const itemId = '0192f0c4-0000-7000-8000-0000000000a1';
    const ids = { actionItemId: itemId, incidentId: id };
    const aiLine = (event: ActionItemEvent, actor = 'alice'): string | undefined =>
      toTimelineEntry(new StoredEventFixture().actionItem(event, actor))?.summary;

    it.each<[string, ActionItemEvent, string, string]>([
      [
        'created',
        {
          type: 'ActionItemCreated',
          data: {
            ...ids,
            title: 'Add pool-size alert',
            owner: 'bob',
            dueAt: '2026-12-01T17:00:00.000Z',
            priority: 'P2',
            kind: 'corrective',
            description: null,
            team: null,
            occurredAt: at,
          },
        },
        'alice',
        'Action item created by alice: Add pool-size alert (owner bob, due 2026-12-01, P2 corrective)',
      ],
      [
        'reassigned',
        { type: 'ActionItemAssigned', data: { ...ids, from: 'bob', to: 'carol', reason: 'bob is on leave', occurredAt: at } },
        'lead',
        'Action item reassigned bob → carol by lead: bob is on leave',
      ],
      [
        'reassigned without a reason',
        { type: 'ActionItemAssigned', data: { ...ids, from: 'bob', to: 'team:payments', reason: null, occurredAt: at } },
        'lead',
        'Action item reassigned bob → team:payments by lead',
      ],
      [
        'rescheduled',
        {
          type: 'ActionItemRescheduled',
          data: { ...ids, fromDueAt: '2026-12-01T17:00:00.000Z', toDueAt: '2026-12-04T17:00:00.000Z', slipSeconds: 3 * 86_400, reason: 'vendor delay', occurredAt: at },
        },
        'carol',
        'Action item rescheduled +3d by carol: vendor delay',
      ],
      [
        'pulled in',
        {
          type: 'ActionItemRescheduled',
          data: { ...ids, fromDueAt: '2026-12-01T17:00:00.000Z', toDueAt: '2026-12-01T15:00:00.000Z', slipSeconds: -7200, reason: 'urgent', occurredAt: at },
        },
        'carol',
        'Action item rescheduled -2h by carol: urgent',
      ],
      ['started', { type: 'ActionItemStarted', data: { ...ids, occurredAt: at } }, 'carol', 'Action item started by carol'],
      [
        'completed',
        { type: 'ActionItemCompleted', data: { ...ids, note: null, dueAt: '2026-12-01T17:00:00.000Z', onTime: true, occurredAt: at } },
        'carol',
        'Action item completed by carol',
      ],
      [
        'completed with a note',
        { type: 'ActionItemCompleted', data: { ...ids, note: 'alert\nlive', dueAt: '2026-12-01T17:00:00.000Z', onTime: true, occurredAt: at } },
        'carol',
        'Action item completed by carol: alert live',
      ],
      ['reopened', { type: 'ActionItemReopened', data: { ...ids, reason: 'alert flaps', occurredAt: at } }, 'lead', 'Action item reopened by lead: alert flaps'],
      ['cancelled', { type: 'ActionItemCancelled', data: { ...ids, reason: 'superseded', occurredAt: at } }, 'lead', 'Action item cancelled by lead: superseded'],
      [
        'overdue',
        { type: 'ActionItemBecameOverdue', data: { ...ids, dueAt: '2026-12-01T17:00:00.000Z', detectedAt: at, occurredAt: at } },
        'system',
        'Action item overdue (due 2026-12-01)',
      ],
    ])('%s', (_name, event, actor, expected) => {
      expect(aiLine(event, actor)).toBe(expected);
    });

    it("puts the entry on the incident's timeline with the event's business time", () => {
      const stored = new StoredEventFixture('2026-11-21T12:00:00.000Z').actionItem(
        { type: 'ActionItemStarted', data: { ...ids, occurredAt: '2026-11-21T11:00:00+01:00' } },
        'carol',
      );
      expect(stored.streamId).toBe(`action-item-${itemId}`);
      expect(timelineIncidentIdOf(stored)).toBe(id);
      expect(toTimelineEntry(stored)).toEqual({
        position: 1,
        incidentId: id,
        occurredAt: '2026-11-21T10:00:00.000Z',
        recordedAt: '2026-11-21T12:00:00.000Z',
        type: 'ActionItemStarted',
        actor: 'carol',
        summary: 'Action item started by carol',
        data: { ...ids, occurredAt: '2026-11-21T11:00:00+01:00' },
      });
    });

    it('cuts a long title or reason to one short line; data keeps the full text', () => {
      const reason = `because ${'x'.repeat(500)}`;
      const entry = toTimelineEntry(new StoredEventFixture().actionItem({ type: 'ActionItemCancelled', data: { ...ids, reason, occurredAt: at } }, 'bob'))!;
      expect(entry.summary.length).toBe('Action item cancelled by bob: '.length + SUMMARY_TEXT_MAX);
      expect(entry.data['reason']).toBe(reason);
    });

    it.each([
      [86_400, '+1d'],
      [-3 * 86_400, '-3d'],
      [5400, '+90m'],
      [3600, '+1h'],
      [45, '+45s'],
      [86_400 + 1, '+1.0d'],
      [3 * 3600 + 7, '-3.0h'],
    ])('formats a slip of %s seconds as %s', (seconds, expected) => {
      const signed = expected.startsWith('-') ? -Math.abs(seconds) : seconds;
      expect(formatSlip(signed)).toBe(expected);
    });
  });
});
