import type { CommandMetadata } from '../shared/decider';
import { DeciderSpecification } from '../shared/decider-specification';
import { expectRefusal, type ExpectedTransitionError } from '../shared/expect-transition-error';
import { DomainValidationError, InvalidTransitionError, NotFoundError } from '../shared/domain-error';
import { INCIDENT_STATUSES, type IncidentStatus } from '../incident/incident.types';
import type { ApproveRca, PublishRca, RcaCommand, RequestRcaChanges, SaveRcaDraft, SubmitRca } from './rca.commands';
import { decideRca, evolveRca, foldRca, initialRcaState, RCA_DRAFTABLE_INCIDENT_STATUSES, rcaDecider } from './rca.decider';
import type { RcaApproved, RcaChangesRequested, RcaDrafted, RcaEvent, RcaPublished, RcaSubmitted, RcaUpdated } from './rca.events';
import type { Rca, RcaState } from './rca.state';
import {
  DEFAULT_CAUSE_CATEGORIES,
  DEFAULT_CAUSE_CATEGORY_IDS,
  RCA_LIMITS,
  RCA_STATUSES,
  rcaStreamId,
  type RcaContentField,
  type RcaStatus,
} from './rca.types';

// ---------------------------------------------------------------------------------------------
// Fixtures: one RCA moving through its workflow a minute per step, decided at NOW.
// ---------------------------------------------------------------------------------------------

const ID = 'inc-42';
const T0 = '2024-03-02T09:00:00.000Z';
const T1 = '2024-03-02T09:01:00.000Z';
const T2 = '2024-03-02T09:02:00.000Z';
const T3 = '2024-03-02T09:03:00.000Z';
const T4 = '2024-03-02T09:04:00.000Z';
const NOW = '2024-03-02T12:00:00.000Z';

const metadata: CommandMetadata = { actor: 'alice', now: NOW };

const spec = DeciderSpecification.for(rcaDecider);

const CONTENT = {
  summary: 'Checkout returned 500 for 40 minutes',
  rootCause: 'A connection-pool size was halved by a config change',
  category: 'configuration',
  contributingFactors: [{ category: 'monitoring-gap', description: 'No alert on pool saturation' }],
  whys: ['Requests timed out', 'The pool was exhausted'],
  lessons: null,
} as const satisfies Omit<RcaDrafted['data'], 'incidentId' | 'occurredAt'>;

const drafted = (occurredAt = T0, overrides: Partial<RcaDrafted['data']> = {}): RcaDrafted => ({
  type: 'RcaDrafted',
  data: { incidentId: ID, ...CONTENT, occurredAt, ...overrides },
});
const updated = (changedFields: readonly RcaContentField[], occurredAt: string, overrides: Partial<RcaUpdated['data']> = {}): RcaUpdated => ({
  type: 'RcaUpdated',
  data: { incidentId: ID, ...CONTENT, changedFields, occurredAt, ...overrides },
});
const submitted = (occurredAt: string): RcaSubmitted => ({ type: 'RcaSubmitted', data: { incidentId: ID, occurredAt } });
const changesRequested = (occurredAt: string, comment = 'Add the timeline of the config change'): RcaChangesRequested => ({
  type: 'RcaChangesRequested',
  data: { incidentId: ID, comment, occurredAt },
});
const approved = (occurredAt: string): RcaApproved => ({ type: 'RcaApproved', data: { incidentId: ID, occurredAt } });
const published = (occurredAt: string): RcaPublished => ({ type: 'RcaPublished', data: { incidentId: ID, occurredAt } });

/** The shortest history that leaves the RCA in each status. */
const HISTORY: Readonly<Record<RcaStatus, readonly RcaEvent[]>> = (() => {
  const draft = [drafted()];
  const inReview = [...draft, submitted(T1)];
  const approvedHistory = [...inReview, approved(T2)];
  const publishedHistory = [...approvedHistory, published(T3)];
  return { draft, in_review: inReview, approved: approvedHistory, published: publishedHistory };
})();

/** Every status except those given. */
const statusesExcept = (...allowed: readonly RcaStatus[]): RcaStatus[] => RCA_STATUSES.filter((s) => !allowed.includes(s));

// Commands with representative data; each test states the bits it depends on.
const save = (data: Partial<SaveRcaDraft['data']> = {}): SaveRcaDraft => ({
  type: 'SaveRcaDraft',
  data: {
    incidentId: ID,
    incidentStatus: 'resolved',
    summary: CONTENT.summary,
    rootCause: CONTENT.rootCause,
    category: CONTENT.category,
    contributingFactors: CONTENT.contributingFactors,
    whys: CONTENT.whys,
    categories: DEFAULT_CAUSE_CATEGORY_IDS,
    ...data,
  },
  metadata,
});
const submit = (): SubmitRca => ({ type: 'SubmitRca', data: {}, metadata });
const requestChanges = (comment = 'Add the timeline of the config change'): RequestRcaChanges => ({
  type: 'RequestRcaChanges',
  data: { comment },
  metadata,
});
const approve = (): ApproveRca => ({ type: 'ApproveRca', data: {}, metadata });
const publish = (): PublishRca => ({ type: 'PublishRca', data: {}, metadata });

const WORKFLOW_COMMANDS: ReadonlyArray<readonly [Exclude<RcaCommand['type'], 'SaveRcaDraft'>, RcaCommand]> = [
  ['SubmitRca', submit()],
  ['RequestRcaChanges', requestChanges()],
  ['ApproveRca', approve()],
  ['PublishRca', publish()],
];

function expectTransitionError(history: readonly RcaEvent[], command: RcaCommand, expected: ExpectedTransitionError): void {
  expectRefusal(spec.given(history).when(command), expected);
}

function expectValidationError(history: readonly RcaEvent[], command: RcaCommand, fields: readonly string[]): DomainValidationError {
  const error = spec.given(history).when(command).thenThrows(DomainValidationError);
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.reason).toBe('RCA_CONTENT_INVALID');
  expect(error.errors.map((e) => e.field)).toEqual(fields);
  for (const e of error.errors) expect(e.message).toEqual(expect.any(String));
  return error;
}

function stateAfter(history: readonly RcaEvent[]): Rca {
  const state = foldRca(history);
  if (state === null) throw new Error('fixture history did not draft the RCA');
  return state;
}

// ---------------------------------------------------------------------------------------------

describe('rca types', () => {
  it('names the stream after the incident', () => {
    expect(rcaStreamId(ID)).toBe('rca-inc-42');
  });

  it('ships the default cause taxonomy with unique slug ids, labels and descriptions', () => {
    expect(DEFAULT_CAUSE_CATEGORY_IDS).toEqual([
      'change-deployment',
      'capacity',
      'dependency-third-party',
      'configuration',
      'process-human-factors',
      'vendor-bpo-quality',
      'monitoring-gap',
      'software-defect',
      'hardware-network',
      'unknown',
    ]);
    expect(new Set(DEFAULT_CAUSE_CATEGORY_IDS).size).toBe(DEFAULT_CAUSE_CATEGORIES.length);
    for (const category of DEFAULT_CAUSE_CATEGORIES) {
      expect(category.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(category.label.trim()).not.toBe('');
      expect(category.description.trim()).not.toBe('');
    }
  });
});

describe('rca decider', () => {
  describe('SaveRcaDraft: first save', () => {
    it.each(RCA_DRAFTABLE_INCIDENT_STATUSES)('drafts the RCA when the incident is %s', (incidentStatus) => {
      spec.given([]).when(save({ incidentStatus })).then([drafted(NOW)]);
    });

    it('allows exactly identified, monitoring, resolved and closed', () => {
      expect(RCA_DRAFTABLE_INCIDENT_STATUSES).toEqual(['identified', 'monitoring', 'resolved', 'closed']);
    });

    it.each(INCIDENT_STATUSES.filter((s) => !RCA_DRAFTABLE_INCIDENT_STATUSES.includes(s)))(
      'refuses to start an RCA while the incident is %s',
      (incidentStatus: IncidentStatus) => {
        expectTransitionError([], save({ incidentStatus }), {
          reason: 'INCIDENT_NOT_IDENTIFIED',
          currentState: incidentStatus,
          allowed: RCA_DRAFTABLE_INCIDENT_STATUSES,
          message: `Cannot save RCA draft: incident status is ${incidentStatus}; an RCA can be started only once the incident is identified, monitoring, resolved or closed`,
        });
      },
    );

    it('reports the incident status before content problems', () => {
      expectTransitionError([], save({ incidentStatus: 'declared', category: 'nope' }), {
        reason: 'INCIDENT_NOT_IDENTIFIED',
        currentState: 'declared',
        allowed: RCA_DRAFTABLE_INCIDENT_STATUSES,
      });
    });

    it('keeps lessons and every contributing factor', () => {
      const contributingFactors = [
        { category: 'change-deployment', description: 'Change shipped without review' },
        { category: 'vendor-bpo-quality', description: 'Vendor runbook was out of date' },
      ];
      spec
        .given([])
        .when(save({ lessons: 'Review pool settings', contributingFactors }))
        .then([drafted(NOW, { lessons: 'Review pool settings', contributingFactors })]);
    });

    it('stores an empty lessons text as null', () => {
      spec.given([]).when(save({ lessons: '' })).then([drafted(NOW)]);
    });

    it('drops properties a caller adds to a contributing factor', () => {
      const factor = { category: 'capacity', description: 'Traffic doubled', extra: 'x' };
      spec
        .given([])
        .when(save({ contributingFactors: [factor] }))
        .then([drafted(NOW, { contributingFactors: [{ category: 'capacity', description: 'Traffic doubled' }] })]);
    });

    it('accepts a configured taxonomy other than the default', () => {
      spec
        .given([])
        .when(save({ categories: ['people', 'tooling'], category: 'people', contributingFactors: [{ category: 'tooling', description: 'd' }] }))
        .then([drafted(NOW, { category: 'people', contributingFactors: [{ category: 'tooling', description: 'd' }] })]);
    });
  });

  describe('SaveRcaDraft: validation', () => {
    it('rejects a category outside the configured taxonomy and lists the allowed ones', () => {
      const error = expectValidationError([], save({ category: 'cosmic-rays', categories: ['capacity', 'unknown'] }), [
        'category',
        // The fixture's factor category is not in this smaller taxonomy either.
        'contributingFactors[0].category',
      ]);
      expect(error.errors[0]?.message).toBe('unknown cause category "cosmic-rays"; allowed: capacity or unknown');
    });

    it('names the contributing factor whose category is unknown', () => {
      const contributingFactors = [
        { category: 'capacity', description: 'a' },
        { category: 'software-defect', description: 'b' },
        { category: 'gremlins', description: 'c' },
      ];
      expectValidationError([], save({ contributingFactors }), ['contributingFactors[2].category']);
    });

    it('accepts ten whys and rejects eleven', () => {
      const whys = Array.from({ length: RCA_LIMITS.maxWhys }, (_, i) => `why ${i + 1}`);
      expect(RCA_LIMITS.maxWhys).toBe(10);
      spec.given([]).when(save({ whys })).then([drafted(NOW, { whys })]);
      expectValidationError([], save({ whys: [...whys, 'one too many'] }), ['whys']);
    });

    it('accepts no whys in a draft', () => {
      spec.given([]).when(save({ whys: [] })).then([drafted(NOW, { whys: [] })]);
    });

    it.each([
      ['empty', ''],
      ['whitespace only', '   '],
      ['longer than 1000 characters', 'w'.repeat(1001)],
    ])('rejects a why that is %s', (_label, why) => {
      expectValidationError([], save({ whys: ['fine', why] }), ['whys[1]']);
    });

    it('accepts a why of exactly 1000 characters', () => {
      const whys = ['w'.repeat(1000)];
      spec.given([]).when(save({ whys })).then([drafted(NOW, { whys })]);
    });

    it.each([
      ['summary', RCA_LIMITS.summaryMaxLength],
      ['rootCause', RCA_LIMITS.rootCauseMaxLength],
    ] as const)('%s: accepts %i characters, rejects one more, rejects blank', (field, max) => {
      expect(max).toBe(5000);
      spec.given([]).when(save({ [field]: 's'.repeat(max) })).then([drafted(NOW, { [field]: 's'.repeat(max) })]);
      expectValidationError([], save({ [field]: 's'.repeat(max + 1) }), [field]);
      expectValidationError([], save({ [field]: ' ' }), [field]);
    });

    it('lessons: accepts 5000 characters, rejects 5001', () => {
      spec.given([]).when(save({ lessons: 'l'.repeat(5000) })).then([drafted(NOW, { lessons: 'l'.repeat(5000) })]);
      expectValidationError([], save({ lessons: 'l'.repeat(5001) }), ['lessons']);
    });

    it('contributing factors: accepts 20, rejects 21', () => {
      const factors = Array.from({ length: 20 }, (_, i) => ({ category: 'capacity', description: `factor ${i}` }));
      spec.given([]).when(save({ contributingFactors: factors })).then([drafted(NOW, { contributingFactors: factors })]);
      expectValidationError([], save({ contributingFactors: [...factors, { category: 'capacity', description: 'x' }] }), ['contributingFactors']);
    });

    it.each([
      ['blank', ' '],
      ['longer than 2000 characters', 'd'.repeat(2001)],
    ])('rejects a contributing-factor description that is %s', (_label, description) => {
      expectValidationError([], save({ contributingFactors: [{ category: 'capacity', description }] }), ['contributingFactors[0].description']);
    });

    it('reports every invalid field at once, in a stable order', () => {
      const error = expectValidationError(
        [],
        save({
          summary: '',
          rootCause: '',
          category: 'x',
          contributingFactors: [{ category: 'y', description: '' }],
          whys: [''],
          lessons: 'l'.repeat(5001),
        }),
        ['summary', 'rootCause', 'category', 'contributingFactors[0].category', 'contributingFactors[0].description', 'whys[0]', 'lessons'],
      );
      expect(error.message).toMatch(/^Cannot save RCA draft: invalid summary, rootCause, category/);
    });

    it('validates only new saves against the taxonomy: an RCA whose category was removed still folds and moves on', () => {
      const narrowed = ['capacity', 'unknown'];
      expect(narrowed).not.toContain(CONTENT.category);
      expect(stateAfter(HISTORY.draft).content.category).toBe(CONTENT.category);
      spec.given(HISTORY.draft).when(submit()).then([submitted(NOW)]);
      expectValidationError(HISTORY.draft, save({ categories: narrowed }), ['category', 'contributingFactors[0].category']);
      spec
        .given(HISTORY.draft)
        .when(save({ categories: narrowed, category: 'capacity', contributingFactors: [] }))
        .then([updated(['category', 'contributingFactors'], NOW, { category: 'capacity', contributingFactors: [] })]);
    });

    it('validates later saves too', () => {
      expectValidationError(HISTORY.draft, save({ category: 'nope' }), ['category']);
    });
  });

  describe('SaveRcaDraft: later saves', () => {
    it('updates a draft, carrying the full content and the changed field', () => {
      spec
        .given(HISTORY.draft)
        .when(save({ rootCause: 'Pool halved by config change 1234' }))
        .then([updated(['rootCause'], NOW, { rootCause: 'Pool halved by config change 1234' })]);
    });

    it('lists every changed field in content order', () => {
      spec
        .given(HISTORY.draft)
        .when(save({ summary: 'New summary', whys: ['Only one'], lessons: 'Alert on pool use', category: 'capacity' }))
        .then([
          updated(['summary', 'category', 'whys', 'lessons'], NOW, {
            summary: 'New summary',
            category: 'capacity',
            whys: ['Only one'],
            lessons: 'Alert on pool use',
          }),
        ]);
    });

    it('sees a change inside a contributing factor', () => {
      const contributingFactors = [{ category: 'monitoring-gap', description: 'No alert on pool saturation or latency' }];
      spec.given(HISTORY.draft).when(save({ contributingFactors })).then([updated(['contributingFactors'], NOW, { contributingFactors })]);
    });

    it('sees reordered whys as a change', () => {
      const whys = [...CONTENT.whys].reverse();
      spec.given(HISTORY.draft).when(save({ whys })).then([updated(['whys'], NOW, { whys })]);
    });

    it('emits nothing when the content is identical (idempotent PUT)', () => {
      spec.given(HISTORY.draft).when(save()).thenNothingHappened();
    });

    it('treats an empty lessons text as the absent lessons it replaces: nothing changed', () => {
      spec.given(HISTORY.draft).when(save({ lessons: '' })).thenNothingHappened();
    });

    it('compares against the latest update, not the first draft', () => {
      const history = [...HISTORY.draft, updated(['summary'], T1, { summary: 'Second' })];
      spec.given(history).when(save({ summary: 'Second' })).thenNothingHappened();
      spec.given(history).when(save()).then([updated(['summary'], NOW)]);
    });

    it('edits a draft that was sent back with changes requested', () => {
      const history = [...HISTORY.in_review, changesRequested(T2)];
      spec.given(history).when(save({ summary: 'Fixed' })).then([updated(['summary'], NOW, { summary: 'Fixed' })]);
    });

    it.each(INCIDENT_STATUSES)('keeps an existing draft editable whatever the incident status (%s, e.g. after a reopen)', (incidentStatus) => {
      spec.given(HISTORY.draft).when(save({ incidentStatus, summary: 'Edited' })).then([updated(['summary'], NOW, { summary: 'Edited' })]);
    });

    it('refuses editing in review: request changes first', () => {
      expectTransitionError(HISTORY.in_review, save({ summary: 'Sneaky edit' }), {
        reason: 'RCA_IN_REVIEW',
        currentState: 'in_review',
        allowed: ['draft'],
        message: 'Cannot save RCA draft: status is in_review; editing is allowed only from draft; request changes first to send it back to draft',
      });
    });

    it.each([
      ['approved', 'RCA_APPROVED', 'an approved RCA is final'],
      ['published', 'RCA_PUBLISHED', 'a published RCA is final'],
    ] as const)('refuses editing once %s: it is final', (status, reason, hint) => {
      expectTransitionError(HISTORY[status], save({ summary: 'Late edit' }), {
        reason,
        currentState: status,
        allowed: ['draft'],
        message: `Cannot save RCA draft: status is ${status}; editing is allowed only from draft; ${hint}`,
      });
    });

    it.each(statusesExcept('draft'))('refuses even an identical save while %s', (status) => {
      spec.given(HISTORY[status]).when(save()).thenThrows(InvalidTransitionError);
    });

    it('treats a save for another incident as a programming error, not a domain error', () => {
      expect(() => decideRca(save({ incidentId: 'inc-other' }), stateAfter(HISTORY.draft))).toThrow(/inc-other.*inc-42/);
    });
  });

  describe('before any draft', () => {
    it.each(WORKFLOW_COMMANDS)('%s is NotFound', (_type, command) => {
      const error = spec.given([]).when(command).thenThrows(NotFoundError);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toMatch(/^Cannot .+: no RCA has been drafted for this incident$/);
    });
  });

  describe('SubmitRca', () => {
    it('submits a draft for review', () => {
      spec.given(HISTORY.draft).when(submit()).then([submitted(NOW)]);
    });

    it('resubmits after changes were requested and made', () => {
      spec
        .given([...HISTORY.in_review, changesRequested(T2), updated(['summary'], T3, { summary: 'Fixed' })])
        .when(submit())
        .then([submitted(NOW)]);
    });

    it.each(statusesExcept('draft'))('refuses from %s', (status) => {
      expectTransitionError(HISTORY[status], submit(), {
        reason: 'NOT_DRAFT',
        currentState: status,
        allowed: ['draft'],
        message: `Cannot submit RCA: status is ${status}; submit is allowed only from draft`,
      });
    });
  });

  describe('RequestRcaChanges', () => {
    it('sends an RCA in review back to draft with the comment', () => {
      spec.given(HISTORY.in_review).when(requestChanges('Explain why the alert did not fire')).then([
        changesRequested(NOW, 'Explain why the alert did not fire'),
      ]);
    });

    it('accepts a comment of exactly 2000 characters', () => {
      spec.given(HISTORY.in_review).when(requestChanges('c'.repeat(2000))).then([changesRequested(NOW, 'c'.repeat(2000))]);
    });

    it.each([
      ['empty', ''],
      ['whitespace only', '  \n '],
      ['longer than 2000 characters', 'c'.repeat(2001)],
    ])('rejects a comment that is %s', (_label, comment) => {
      expectValidationError(HISTORY.in_review, requestChanges(comment), ['comment']);
    });

    it.each(statusesExcept('in_review'))('refuses from %s', (status) => {
      expectTransitionError(HISTORY[status], requestChanges(), {
        reason: 'NOT_IN_REVIEW',
        currentState: status,
        allowed: ['in_review'],
        message: `Cannot request RCA changes: status is ${status}; requesting changes is allowed only from in_review`,
      });
    });

    it('checks the status before the comment', () => {
      expectTransitionError(HISTORY.draft, requestChanges(''), { reason: 'NOT_IN_REVIEW', currentState: 'draft', allowed: ['in_review'] });
    });
  });

  describe('ApproveRca', () => {
    it('approves an RCA in review', () => {
      spec.given(HISTORY.in_review).when(approve()).then([approved(NOW)]);
    });

    it.each(statusesExcept('in_review'))('refuses from %s', (status) => {
      expectTransitionError(HISTORY[status], approve(), {
        reason: 'NOT_IN_REVIEW',
        currentState: status,
        allowed: ['in_review'],
        message: `Cannot approve RCA: status is ${status}; approve is allowed only from in_review`,
      });
    });

    it('refuses a draft that was sent back, until it is resubmitted', () => {
      expectTransitionError([...HISTORY.in_review, changesRequested(T2)], approve(), {
        reason: 'NOT_IN_REVIEW',
        currentState: 'draft',
        allowed: ['in_review'],
      });
    });
  });

  describe('PublishRca', () => {
    it('publishes an approved RCA', () => {
      spec.given(HISTORY.approved).when(publish()).then([published(NOW)]);
    });

    it.each(['draft', 'in_review'] as const)('refuses to publish before approval (%s) with NOT_APPROVED', (status) => {
      expectTransitionError(HISTORY[status], publish(), {
        reason: 'NOT_APPROVED',
        currentState: status,
        allowed: ['approved'],
        message: `Cannot publish RCA: status is ${status}; publish is allowed only from approved`,
      });
    });

    it('refuses to publish twice', () => {
      expectTransitionError(HISTORY.published, publish(), {
        reason: 'ALREADY_PUBLISHED',
        currentState: 'published',
        allowed: ['approved'],
        message: 'Cannot publish RCA: status is published; publish is allowed only from approved',
      });
    });
  });
});

describe('rca evolve', () => {
  it('starts from nothing', () => {
    expect(initialRcaState()).toBeNull();
  });

  it('drafts: status draft with the content and times', () => {
    expect(stateAfter(HISTORY.draft)).toEqual<Rca>({
      incidentId: ID,
      status: 'draft',
      content: { ...CONTENT },
      draftedAt: T0,
      updatedAt: T0,
      submittedAt: null,
      approvedAt: null,
      publishedAt: null,
      lastChangeRequest: null,
    });
  });

  it('keeps only content in the state, not the event bookkeeping', () => {
    const state = stateAfter([...HISTORY.draft, updated(['summary'], T1, { summary: 'New' })]);
    expect(Object.keys(state.content).sort()).toEqual(['category', 'contributingFactors', 'lessons', 'rootCause', 'summary', 'whys']);
  });

  it('updates: replaces the content, keeps the draft time', () => {
    const state = stateAfter([...HISTORY.draft, updated(['lessons'], T1, { lessons: 'Alert earlier' })]);
    expect(state.content.lessons).toBe('Alert earlier');
    expect(state.updatedAt).toBe(T1);
    expect(state.draftedAt).toBe(T0);
    expect(state.status).toBe('draft');
  });

  it.each([
    ['draft', 'draft'],
    ['in_review', 'in_review'],
    ['approved', 'approved'],
    ['published', 'published'],
  ] as const)('reaches %s', (status, expected) => {
    expect(stateAfter(HISTORY[status]).status).toBe(expected);
  });

  it('records the workflow times', () => {
    expect(stateAfter(HISTORY.published)).toMatchObject({ submittedAt: T1, approvedAt: T2, publishedAt: T3 });
  });

  it('changes requested: back to draft with the reviewer comment, submission time kept', () => {
    const state = stateAfter([...HISTORY.in_review, changesRequested(T2, 'More detail')]);
    expect(state.status).toBe('draft');
    expect(state.lastChangeRequest).toEqual({ comment: 'More detail', requestedAt: T2 });
    expect(state.submittedAt).toBe(T1);
  });

  it('keeps the latest change request', () => {
    const state = stateAfter([...HISTORY.in_review, changesRequested(T2, 'First'), submitted(T3), changesRequested(T4, 'Second')]);
    expect(state.lastChangeRequest).toEqual({ comment: 'Second', requestedAt: T4 });
  });

  it('refuses a second RcaDrafted: one RCA per incident', () => {
    expect(() => evolveRca(stateAfter(HISTORY.draft), drafted(T1))).toThrow(/already exists/);
  });

  it.each([updated(['summary'], T1), submitted(T1), changesRequested(T1), approved(T1), published(T1)])(
    'refuses $type on an RCA that was never drafted',
    (event) => {
      expect(() => evolveRca(null, event)).toThrow(/never drafted/);
    },
  );
});

describe('rca workflow, decided and folded end to end', () => {
  function run(commands: readonly RcaCommand[]): { state: RcaState; events: RcaEvent[] } {
    let state = initialRcaState();
    const events: RcaEvent[] = [];
    for (const command of commands) {
      // Frozen state proves decide and evolve never mutate what they are given.
      for (const event of decideRca(command, Object.freeze(state))) {
        events.push(event);
        state = evolveRca(state, event);
      }
    }
    return { state, events };
  }

  it('drafts, submits, gets changes requested, edits, resubmits, is approved and published', () => {
    const { state, events } = run([
      save({ incidentStatus: 'identified' }),
      save(),
      submit(),
      requestChanges(),
      save({ lessons: 'Alert on pool saturation' }),
      submit(),
      approve(),
      publish(),
    ]);

    expect(events.map((e) => e.type)).toEqual([
      'RcaDrafted',
      'RcaSubmitted',
      'RcaChangesRequested',
      'RcaUpdated',
      'RcaSubmitted',
      'RcaApproved',
      'RcaPublished',
    ]);
    expect(events.every((e) => e.data.incidentId === ID && e.data.occurredAt === NOW)).toBe(true);
    expect(state).toMatchObject({
      status: 'published',
      content: { ...CONTENT, lessons: 'Alert on pool saturation' },
      publishedAt: NOW,
      lastChangeRequest: { comment: 'Add the timeline of the config change' },
    });
  });
});
