import type { DomainEvent } from '../shared/decider';
import type { IncidentRole, IncidentStatus, Severity, SettableStatus } from './incident.types';

export type IncidentDeclared = DomainEvent<
  'IncidentDeclared',
  {
    readonly incidentId: string;
    readonly title: string;
    readonly severity: Severity;
    readonly service: string;
    readonly team: string | null;
    readonly vendorSite: string | null;
    readonly summary: string | null;
    readonly commander: string | null;
    /** When the problem was first detected; defaults to the declaration time. */
    readonly detectedAt: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly occurredAt: string;
  }
>;

export type IncidentAcknowledged = DomainEvent<
  'IncidentAcknowledged',
  { readonly incidentId: string; readonly note: string | null; readonly occurredAt: string }
>;

export type IncidentEscalated = DomainEvent<
  'IncidentEscalated',
  {
    readonly incidentId: string;
    readonly reason: string;
    readonly fromLevel: number;
    readonly toLevel: number;
    readonly toTeam: string | null;
    /** Set when the escalation also changed the severity. */
    readonly severity: Severity | null;
    readonly previousSeverity: Severity | null;
    /** Automatic escalations (escalation policies) record why they fired. */
    readonly auto: boolean;
    readonly policyId: string | null;
    readonly policyVersion: number | null;
    readonly target: { readonly team?: string; readonly person?: string } | null;
    readonly occurredAt: string;
  }
>;

export type IncidentSeverityChanged = DomainEvent<
  'IncidentSeverityChanged',
  {
    readonly incidentId: string;
    readonly from: Severity;
    readonly to: Severity;
    readonly reason: string;
    readonly occurredAt: string;
  }
>;

export type IncidentStatusChanged = DomainEvent<
  'IncidentStatusChanged',
  {
    readonly incidentId: string;
    readonly from: IncidentStatus;
    readonly to: SettableStatus;
    readonly note: string | null;
    readonly occurredAt: string;
  }
>;

export type IncidentNoteAdded = DomainEvent<
  'IncidentNoteAdded',
  {
    readonly incidentId: string;
    readonly text: string;
    /** Business time of the note: may be earlier than when it was recorded (bitemporal). */
    readonly occurredAt: string;
  }
>;

export type IncidentRoleAssigned = DomainEvent<
  'IncidentRoleAssigned',
  {
    readonly incidentId: string;
    readonly role: IncidentRole;
    readonly assignee: string;
    readonly previousAssignee: string | null;
    readonly occurredAt: string;
  }
>;

export type IncidentResolved = DomainEvent<
  'IncidentResolved',
  { readonly incidentId: string; readonly resolution: string; readonly from: IncidentStatus; readonly occurredAt: string }
>;

export type IncidentReopened = DomainEvent<
  'IncidentReopened',
  { readonly incidentId: string; readonly reason: string; readonly occurredAt: string }
>;

export type IncidentClosed = DomainEvent<'IncidentClosed', { readonly incidentId: string; readonly occurredAt: string }>;

export type IncidentEvent =
  | IncidentDeclared
  | IncidentAcknowledged
  | IncidentEscalated
  | IncidentSeverityChanged
  | IncidentStatusChanged
  | IncidentNoteAdded
  | IncidentRoleAssigned
  | IncidentResolved
  | IncidentReopened
  | IncidentClosed;

export type IncidentEventType = IncidentEvent['type'];

export const INCIDENT_EVENT_TYPES: readonly IncidentEventType[] = [
  'IncidentDeclared',
  'IncidentAcknowledged',
  'IncidentEscalated',
  'IncidentSeverityChanged',
  'IncidentStatusChanged',
  'IncidentNoteAdded',
  'IncidentRoleAssigned',
  'IncidentResolved',
  'IncidentReopened',
  'IncidentClosed',
];
