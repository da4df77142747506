import { createHash, randomBytes } from 'node:crypto';
import { apiKeyStreamId, type Role } from '@causeway/domain';
import { apiKeyAggregate } from './aggregate';
import type { CommandContext, CommandHandler } from './command-handler';
import { newId } from './ids';

export const API_KEY_PREFIX = 'cw_';

/** Keys are looked up by hash: the secret itself is never stored or logged. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Shown once, to the creator. */
  readonly key: string;
  readonly position: number;
}

export class ApiKeyCommands {
  constructor(private readonly handler: CommandHandler) {}

  /** `id` is for a key that must exist at most once (the first admin key): a second create fails with AlreadyExistsError. */
  async create(input: { name: string; role: Role; key?: string; id?: string }, context: CommandContext): Promise<CreatedApiKey> {
    const id = input.id ?? newId();
    const key = input.key ?? `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const result = await this.handler.handle(
      apiKeyAggregate,
      apiKeyStreamId(id),
      (metadata) => ({
        type: 'CreateApiKey' as const,
        data: { keyId: id, name: input.name, role: input.role, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) },
        metadata,
      }),
      context,
    );
    return { id, name: input.name, role: input.role, key, position: result.position };
  }

  async revoke(id: string, context: CommandContext): Promise<{ position: number }> {
    const result = await this.handler.handle(
      apiKeyAggregate,
      apiKeyStreamId(id),
      (metadata) => ({ type: 'RevokeApiKey' as const, data: {}, metadata }),
      context,
    );
    return { position: result.position };
  }
}
