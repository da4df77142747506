import type { DomainEvent } from '../shared/decider';
import type { RcaContent, RcaContentField } from './rca.types';

/** The first save of an incident's RCA. */
export type RcaDrafted = DomainEvent<'RcaDrafted', { readonly incidentId: string } & RcaContent & { readonly occurredAt: string }>;

/**
 * A later save. It carries the full content, so any single event shows the RCA as it then stood,
 * and which fields changed, so a reviewer or the timeline can show what moved without a diff.
 */
export type RcaUpdated = DomainEvent<
  'RcaUpdated',
  { readonly incidentId: string } & RcaContent & { readonly changedFields: readonly RcaContentField[]; readonly occurredAt: string }
>;

export type RcaSubmitted = DomainEvent<'RcaSubmitted', { readonly incidentId: string; readonly occurredAt: string }>;

export type RcaChangesRequested = DomainEvent<
  'RcaChangesRequested',
  { readonly incidentId: string; readonly comment: string; readonly occurredAt: string }
>;

export type RcaApproved = DomainEvent<'RcaApproved', { readonly incidentId: string; readonly occurredAt: string }>;

export type RcaPublished = DomainEvent<'RcaPublished', { readonly incidentId: string; readonly occurredAt: string }>;

export type RcaEvent = RcaDrafted | RcaUpdated | RcaSubmitted | RcaChangesRequested | RcaApproved | RcaPublished;

export type RcaEventType = RcaEvent['type'];

export const RCA_EVENT_TYPES: readonly RcaEventType[] = [
  'RcaDrafted',
  'RcaUpdated',
  'RcaSubmitted',
  'RcaChangesRequested',
  'RcaApproved',
  'RcaPublished',
];
