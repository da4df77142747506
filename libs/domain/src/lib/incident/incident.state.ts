import type { IncidentRole, IncidentStatus, Severity } from './incident.types';

export interface Incident {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly status: IncidentStatus;
  readonly service: string;
  readonly team: string | null;
  readonly vendorSite: string | null;
  readonly summary: string | null;
  readonly commander: string | null;
  readonly roles: Readonly<Partial<Record<IncidentRole, string>>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly escalationLevel: number;
  readonly declaredAt: string;
  readonly detectedAt: string;
  readonly acknowledgedAt: string | null;
  /** First time the incident reached `monitoring` (or was resolved without it). */
  readonly mitigatedAt: string | null;
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
}

/** Before `IncidentDeclared` the state is `null`. */
export type IncidentState = Incident | null;
