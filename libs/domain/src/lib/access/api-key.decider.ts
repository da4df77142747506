import { assertNever, type Command, type Decider } from '../shared/decider';
import { AlreadyExistsError, InvalidTransitionError, NotFoundError } from '../shared/domain-error';
import type { Role } from './access.types';
import type { ApiKeyEvent } from './api-key.events';
import type { ApiKeyTransitionReason } from './api-key.refusals';

export type CreateApiKey = Command<
  'CreateApiKey',
  { readonly keyId: string; readonly name: string; readonly role: Role; readonly keyHash: string; readonly keyPrefix: string }
>;
export type RevokeApiKey = Command<'RevokeApiKey', Record<string, never>>;
export type ApiKeyCommand = CreateApiKey | RevokeApiKey;

export type ApiKeyState = { readonly keyId: string; readonly revoked: boolean } | null;

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyEvent, ApiKeyState> = {
  initialState: () => null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateApiKey':
        if (state) throw new AlreadyExistsError(`API key ${command.data.keyId} already exists`);
        return [{ type: 'ApiKeyCreated', data: { ...command.data, occurredAt: command.metadata.now } }];
      case 'RevokeApiKey':
        if (!state) throw new NotFoundError('API key not found');
        if (state.revoked) {
          throw new InvalidTransitionError<ApiKeyTransitionReason>('ALREADY_REVOKED', 'API key is already revoked; revocation is final', 'revoked', []);
        }
        return [{ type: 'ApiKeyRevoked', data: { keyId: state.keyId, occurredAt: command.metadata.now } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ApiKeyCreated':
        return { keyId: event.data.keyId, revoked: false };
      case 'ApiKeyRevoked':
        return state ? { ...state, revoked: true } : state;
      default:
        return assertNever(event);
    }
  },
};
