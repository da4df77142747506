/** Why the API-key decider refuses a command in the key's current state (HTTP 409 `reason`). */
export type ApiKeyTransitionReason = 'ALREADY_REVOKED';
