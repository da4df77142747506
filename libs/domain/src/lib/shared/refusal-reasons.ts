import type { ActionItemTransitionReason, ActionItemValidationReason } from '../action-item/action-item.refusals';
import type { ApiKeyTransitionReason } from '../access/api-key.refusals';
import type { IncidentTransitionReason, IncidentValidationReason } from '../incident/incident.refusals';
import type { RcaTransitionReason, RcaValidationReason } from '../rca/rca.refusals';

/**
 * Every `reason` a 409 may carry: the union of each aggregate's own list, so a reason that is in
 * none of them (a misspelling) does not compile. Clients switch on these strings.
 */
export type TransitionReason = IncidentTransitionReason | RcaTransitionReason | ActionItemTransitionReason | ApiKeyTransitionReason;

/** Every `reason` a domain 400 may carry; several broken fields at once are `FIELDS_INVALID`. */
export type ValidationReason = IncidentValidationReason | RcaValidationReason | ActionItemValidationReason | 'FIELDS_INVALID';
