import { assertNever, type Decider } from '../shared/decider';
import { statusNotAllowed, type CommandWording } from '../shared/status-not-allowed';
import { formatList } from '../shared/time';
import { DomainValidationError, InvalidTransitionError, NotFoundError, type FieldError } from '../shared/domain-error';
import { throwIfInvalid } from '../shared/field-problem';
import type { IncidentStatus } from '../incident/incident.types';
import type { ApproveRca, PublishRca, RcaCommand, RequestRcaChanges, SaveRcaDraft, SubmitRca } from './rca.commands';
import type { RcaApproved, RcaChangesRequested, RcaEvent, RcaPublished, RcaSubmitted } from './rca.events';
import type { RcaTransitionReason, RcaValidationReason } from './rca.refusals';
import type { Rca, RcaState } from './rca.state';
import { RCA_CONTENT_FIELDS, RCA_LIMITS, type RcaContent, type RcaContentField, type RcaStatus } from './rca.types';

/**
 * Incident statuses from which an RCA may be started: before `identified` nobody knows the cause
 * yet, and an RCA written then is guesswork that later reads as fact.
 */
export const RCA_DRAFTABLE_INCIDENT_STATUSES: readonly IncidentStatus[] = ['identified', 'monitoring', 'resolved', 'closed'];

type RcaCommandType = RcaCommand['type'];

/** Wording of each command in error messages: "Cannot <attempt>: …; <name> is allowed only from …". */
const WORDING: Readonly<Record<RcaCommandType, CommandWording>> = {
  SaveRcaDraft: { attempt: 'save RCA draft', name: 'editing' },
  SubmitRca: { attempt: 'submit RCA', name: 'submit' },
  RequestRcaChanges: { attempt: 'request RCA changes', name: 'requesting changes' },
  ApproveRca: { attempt: 'approve RCA', name: 'approve' },
  PublishRca: { attempt: 'publish RCA', name: 'publish' },
};

export function initialRcaState(): RcaState {
  return null;
}

/**
 * Roles (who may edit, approve, publish) are checked by the HTTP layer; this decider only knows
 * the workflow `draft → in_review → approved → published`, with `in_review → draft` on request.
 */
export function decideRca(command: RcaCommand, state: RcaState): readonly RcaEvent[] {
  if (command.type === 'SaveRcaDraft') {
    return saveDraft(command, state);
  }
  if (state === null) {
    throw new NotFoundError(`Cannot ${WORDING[command.type].attempt}: no RCA has been drafted for this incident`);
  }
  switch (command.type) {
    case 'SubmitRca':
      return [submit(command, state)];
    case 'RequestRcaChanges':
      return [requestChanges(command, state)];
    case 'ApproveRca':
      return [approve(command, state)];
    case 'PublishRca':
      return [publish(command, state)];
    default:
      return assertNever(command);
  }
}

export function evolveRca(state: RcaState, event: RcaEvent): RcaState {
  if (event.type === 'RcaDrafted') {
    if (state !== null) {
      // One RCA per incident: a second RcaDrafted means the log is corrupt.
      throw new Error(`Cannot apply RcaDrafted: an RCA for incident ${state.incidentId} already exists`);
    }
    const { data } = event;
    return {
      incidentId: data.incidentId,
      status: 'draft',
      content: contentOf(data),
      draftedAt: data.occurredAt,
      updatedAt: data.occurredAt,
      submittedAt: null,
      approvedAt: null,
      publishedAt: null,
      lastChangeRequest: null,
    };
  }
  if (state === null) {
    throw new Error(`Cannot apply ${event.type} to an RCA that was never drafted`);
  }

  switch (event.type) {
    case 'RcaUpdated':
      return { ...state, content: contentOf(event.data), updatedAt: event.data.occurredAt };
    case 'RcaSubmitted':
      return { ...state, status: 'in_review', submittedAt: event.data.occurredAt };
    case 'RcaChangesRequested':
      return {
        ...state,
        status: 'draft',
        lastChangeRequest: { comment: event.data.comment, requestedAt: event.data.occurredAt },
      };
    case 'RcaApproved':
      return { ...state, status: 'approved', approvedAt: event.data.occurredAt };
    case 'RcaPublished':
      return { ...state, status: 'published', publishedAt: event.data.occurredAt };
    default:
      return assertNever(event);
  }
}

export function foldRca(events: readonly RcaEvent[]): RcaState {
  return events.reduce<RcaState>(evolveRca, initialRcaState());
}

export const rcaDecider: Decider<RcaCommand, RcaEvent, RcaState> = {
  decide: decideRca,
  evolve: evolveRca,
  initialState: initialRcaState,
};

/**
 * Saving content identical to the current draft emits nothing (and is not an error): the PUT is
 * idempotent, so a client retrying after a timeout or an autosave firing twice gets success
 * without an empty `RcaUpdated` cluttering the audit trail.
 */
function saveDraft(command: SaveRcaDraft, state: RcaState): readonly RcaEvent[] {
  const { data, metadata } = command;
  if (state !== null) {
    if (state.incidentId !== data.incidentId) {
      // The handler derives the stream from the incident id; a mismatch is a programming error.
      throw new Error(`SaveRcaDraft for incident ${data.incidentId} was decided against the RCA of incident ${state.incidentId}`);
    }
    assertEditable(state);
  } else if (!RCA_DRAFTABLE_INCIDENT_STATUSES.includes(data.incidentStatus)) {
    // Checked only when the RCA is created: a reopened incident (back to investigating) has still
    // been identified once, and its RCA draft must stay editable while work resumes.
    throw new InvalidTransitionError<RcaTransitionReason>(
      'INCIDENT_NOT_IDENTIFIED',
      `Cannot save RCA draft: incident status is ${data.incidentStatus}; an RCA can be started only once the incident is ${formatList(
        RCA_DRAFTABLE_INCIDENT_STATUSES,
      )}`,
      data.incidentStatus,
      RCA_DRAFTABLE_INCIDENT_STATUSES,
    );
  }

  const content = validContent(data);
  if (state === null) {
    return [{ type: 'RcaDrafted', data: { incidentId: data.incidentId, ...content, occurredAt: metadata.now } }];
  }
  const changedFields = RCA_CONTENT_FIELDS.filter((field) => !sameField(field, state.content, content));
  if (changedFields.length === 0) return [];
  return [{ type: 'RcaUpdated', data: { incidentId: state.incidentId, ...content, changedFields, occurredAt: metadata.now } }];
}

function assertEditable(state: Rca): void {
  switch (state.status) {
    case 'draft':
      return;
    case 'in_review':
      throw notAllowedFrom('RCA_IN_REVIEW', 'SaveRcaDraft', state, ['draft'], 'request changes first to send it back to draft');
    case 'approved':
      throw notAllowedFrom('RCA_APPROVED', 'SaveRcaDraft', state, ['draft'], 'an approved RCA is final');
    case 'published':
      throw notAllowedFrom('RCA_PUBLISHED', 'SaveRcaDraft', state, ['draft'], 'a published RCA is final');
    default:
      return assertNever(state.status);
  }
}

function submit(command: SubmitRca, state: Rca): RcaSubmitted {
  if (state.status !== 'draft') {
    throw notAllowedFrom('NOT_DRAFT', command.type, state, ['draft']);
  }
  return { type: 'RcaSubmitted', data: { incidentId: state.incidentId, occurredAt: command.metadata.now } };
}

function requestChanges(command: RequestRcaChanges, state: Rca): RcaChangesRequested {
  if (state.status !== 'in_review') {
    throw notAllowedFrom('NOT_IN_REVIEW', command.type, state, ['in_review']);
  }
  const { comment } = command.data;
  const problem = textProblem(comment, 1, RCA_LIMITS.commentMaxLength);
  throwIfInvalid<RcaValidationReason>([problem === null ? null : { reason: 'RCA_CONTENT_INVALID', field: 'comment', message: problem }]);
  return { type: 'RcaChangesRequested', data: { incidentId: state.incidentId, comment, occurredAt: command.metadata.now } };
}

function approve(command: ApproveRca, state: Rca): RcaApproved {
  if (state.status !== 'in_review') {
    throw notAllowedFrom('NOT_IN_REVIEW', command.type, state, ['in_review']);
  }
  return { type: 'RcaApproved', data: { incidentId: state.incidentId, occurredAt: command.metadata.now } };
}

function publish(command: PublishRca, state: Rca): RcaPublished {
  if (state.status === 'published') {
    throw notAllowedFrom('ALREADY_PUBLISHED', command.type, state, ['approved']);
  }
  if (state.status !== 'approved') {
    throw notAllowedFrom('NOT_APPROVED', command.type, state, ['approved']);
  }
  return { type: 'RcaPublished', data: { incidentId: state.incidentId, occurredAt: command.metadata.now } };
}

/**
 * Every problem is reported at once, each under its own field path, so an editor form can mark
 * all of them in one round trip.
 */
function validContent(data: SaveRcaDraft['data']): RcaContent {
  const errors: FieldError[] = [];
  const check = (field: string, problem: string | null): void => {
    if (problem !== null) errors.push({ field, message: problem });
  };
  const known = new Set(data.categories);
  const categoryProblem = (id: string): string | null =>
    known.has(id) ? null : `unknown cause category ${JSON.stringify(id)}; allowed: ${formatList(data.categories)}`;

  check('summary', textProblem(data.summary, 1, RCA_LIMITS.summaryMaxLength));
  check('rootCause', textProblem(data.rootCause, 1, RCA_LIMITS.rootCauseMaxLength));
  check('category', categoryProblem(data.category));

  if (data.contributingFactors.length > RCA_LIMITS.maxContributingFactors) {
    check('contributingFactors', `must have at most ${RCA_LIMITS.maxContributingFactors} entries, got ${data.contributingFactors.length}`);
  }
  data.contributingFactors.forEach((factor, i) => {
    check(`contributingFactors[${i}].category`, categoryProblem(factor.category));
    check(`contributingFactors[${i}].description`, textProblem(factor.description, 1, RCA_LIMITS.contributingFactorMaxLength));
  });

  if (data.whys.length > RCA_LIMITS.maxWhys) {
    check('whys', `must have at most ${RCA_LIMITS.maxWhys} entries, got ${data.whys.length}`);
  }
  data.whys.forEach((why, i) => check(`whys[${i}]`, textProblem(why, 1, RCA_LIMITS.whyMaxLength)));

  if (data.lessons !== undefined) check('lessons', textProblem(data.lessons, 0, RCA_LIMITS.lessonsMaxLength));

  if (errors.length > 0) {
    const fields = errors.map((e) => e.field).join(', ');
    throw new DomainValidationError<RcaValidationReason>('RCA_CONTENT_INVALID', `Cannot save RCA draft: invalid ${fields}`, errors);
  }
  return {
    summary: data.summary,
    rootCause: data.rootCause,
    category: data.category,
    // Copied field by field so extra properties a caller passes never reach the log.
    contributingFactors: data.contributingFactors.map(({ category, description }) => ({ category, description })),
    whys: [...data.whys],
    // An empty lessons text and an absent one mean the same: nothing learned written down yet.
    lessons: data.lessons === undefined || data.lessons === '' ? null : data.lessons,
  };
}

/** `min` 1 also refuses whitespace-only text, which would render as an empty section. */
function textProblem(value: string, min: 0 | 1, max: number): string | null {
  if (min === 1 && value.trim().length === 0) return 'must not be empty';
  if (value.length > max) return `must be at most ${max} characters, got ${value.length}`;
  return null;
}

function contentOf(data: RcaContent): RcaContent {
  const { summary, rootCause, category, contributingFactors, whys, lessons } = data;
  return { summary, rootCause, category, contributingFactors, whys, lessons };
}

function sameField(field: RcaContentField, a: RcaContent, b: RcaContent): boolean {
  switch (field) {
    case 'contributingFactors':
      return (
        a.contributingFactors.length === b.contributingFactors.length &&
        a.contributingFactors.every((f, i) => f.category === b.contributingFactors[i]?.category && f.description === b.contributingFactors[i]?.description)
      );
    case 'whys':
      return a.whys.length === b.whys.length && a.whys.every((w, i) => w === b.whys[i]);
    case 'summary':
    case 'rootCause':
    case 'category':
    case 'lessons':
      return a[field] === b[field];
    default:
      return assertNever(field);
  }
}

function notAllowedFrom(
  reason: RcaTransitionReason,
  commandType: RcaCommandType,
  state: Rca,
  allowed: readonly RcaStatus[],
  hint?: string,
): InvalidTransitionError<RcaTransitionReason> {
  return statusNotAllowed(reason, WORDING[commandType], state.status, allowed, hint);
}

