import type { Command } from '../shared/decider';
import type { IncidentRole, Severity, SettableStatus } from './incident.types';

export type DeclareIncident = Command<
  'DeclareIncident',
  {
    readonly incidentId: string;
    readonly title: string;
    readonly severity: Severity;
    readonly service: string;
    readonly team?: string;
    readonly vendorSite?: string;
    readonly summary?: string;
    readonly commander?: string;
    readonly detectedAt?: string;
    readonly labels?: Readonly<Record<string, string>>;
  }
>;

export type AcknowledgeIncident = Command<'AcknowledgeIncident', { readonly note?: string }>;

export type EscalateIncident = Command<
  'EscalateIncident',
  {
    readonly reason: string;
    readonly toTeam?: string;
    /** Absolute level to escalate to; by default the current level + 1. */
    readonly toLevel?: number;
    readonly severity?: Severity;
    /** Set by escalation policies, never by the HTTP API. */
    readonly auto?: { readonly policyId: string; readonly policyVersion: number; readonly target: { readonly team?: string; readonly person?: string } };
  }
>;

export type ChangeIncidentSeverity = Command<'ChangeIncidentSeverity', { readonly severity: Severity; readonly reason: string }>;

export type ChangeIncidentStatus = Command<'ChangeIncidentStatus', { readonly status: SettableStatus; readonly note?: string }>;

export type AddIncidentNote = Command<'AddIncidentNote', { readonly text: string; readonly occurredAt?: string }>;

export type AssignIncidentRole = Command<'AssignIncidentRole', { readonly role: IncidentRole; readonly assignee: string }>;

export type ResolveIncident = Command<'ResolveIncident', { readonly resolution: string }>;

export type ReopenIncident = Command<'ReopenIncident', { readonly reason: string }>;

export type CloseIncident = Command<'CloseIncident', Record<string, never>>;

export type IncidentCommand =
  | DeclareIncident
  | AcknowledgeIncident
  | EscalateIncident
  | ChangeIncidentSeverity
  | ChangeIncidentStatus
  | AddIncidentNote
  | AssignIncidentRole
  | ResolveIncident
  | ReopenIncident
  | CloseIncident;
