/** Why the RCA decider refuses a command in the RCA's current state (HTTP 409 `reason`). */
export type RcaTransitionReason =
  | 'INCIDENT_NOT_IDENTIFIED'
  | 'RCA_IN_REVIEW'
  | 'RCA_APPROVED'
  | 'RCA_PUBLISHED'
  | 'NOT_DRAFT'
  | 'NOT_IN_REVIEW'
  | 'ALREADY_PUBLISHED'
  | 'NOT_APPROVED';

/** Why the RCA decider refuses a command's values (HTTP 400 `reason`). */
export type RcaValidationReason = 'RCA_CONTENT_INVALID';
