/** The five roles of docs/api.md (section 2); each API key has exactly one. */
export const ROLES = ['admin', 'lead', 'responder', 'stakeholder', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Capabilities, one per row of the role table in docs/api.md (section 2; `subscribe` waits for its routes). */
export const PERMISSIONS = {
  read: ['admin', 'lead', 'responder', 'stakeholder', 'auditor'],
  respond: ['admin', 'lead', 'responder'],
  command: ['admin', 'lead'],
  rcaEdit: ['admin', 'lead', 'responder'],
  rcaApprove: ['admin', 'lead'],
  subscribe: ['admin', 'lead', 'responder', 'stakeholder'],
  audit: ['admin', 'lead', 'auditor'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const apiKeyStreamId = (keyId: string): string => `api-key-${keyId}`;
