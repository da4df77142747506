export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = ['declared', 'investigating', 'identified', 'monitoring', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses `POST /incidents/:id/status` may set; resolve / reopen / close have their own commands. */
export const SETTABLE_STATUSES = ['investigating', 'identified', 'monitoring'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

/** Statuses in which the incident is still being worked on. */
export const ACTIVE_STATUSES: readonly IncidentStatus[] = ['declared', 'investigating', 'identified', 'monitoring'];

export const INCIDENT_ROLES = ['commander', 'communications', 'scribe', 'liaison'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

/** SEV1 is the worst: a lower rank is more severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity) + 1;
}

export const incidentStreamId = (incidentId: string): string => `incident-${incidentId}`;
