/** Why the incident decider refuses a command in the incident's current state (HTTP 409 `reason`). */
export type IncidentTransitionReason =
  | 'INCIDENT_CLOSED'
  | 'INCIDENT_RESOLVED'
  | 'ALREADY_ACKNOWLEDGED'
  | 'SEVERITY_UNCHANGED'
  | 'STATUS_UNCHANGED'
  | 'ROLE_UNCHANGED'
  | 'ALREADY_RESOLVED'
  | 'NOT_RESOLVED';

/** Why the incident decider refuses a command's values (HTTP 400 `reason`). */
export type IncidentValidationReason = 'ESCALATION_LEVEL_INVALID' | 'ESCALATION_LEVEL_NOT_HIGHER' | 'TIMESTAMP_INVALID' | 'TIMESTAMP_IN_FUTURE';
