import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { CommandContext } from '@causeway/application';
import { principalOf } from '../auth/auth.decorators';
import type { CausewayRequest } from '../auth/principal';
import { ifMatchVersion } from './if-match';

export interface CommandCtxOptions {
  /** False for commands that create a stream: they take no If-Match, and a sent one is ignored. */
  readonly ifMatch?: boolean;
}

/**
 * The command context of the request: the caller's key name as actor, the `If-Match` version
 * (a malformed one is a 400) and the idempotency seed the idempotency interceptor set.
 */
export const CommandCtx = createParamDecorator((options: CommandCtxOptions | undefined, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<CausewayRequest>();
  const actor = principalOf(context).name;
  if (options?.ifMatch === false) return { actor, idempotencySeed: request.idempotencySeed };
  const header = request.headers['if-match'];
  return { actor, expectedVersion: ifMatchVersion(header), idempotencySeed: request.idempotencySeed };
});
