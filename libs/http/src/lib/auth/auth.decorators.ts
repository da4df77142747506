import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Permission } from '@causeway/domain';
import type { CausewayRequest, Principal } from './principal';

export const PUBLIC_ROUTE = 'causeway:public';
export const REQUIRED_PERMISSION = 'causeway:permission';

/** No API key needed (health, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The row of the role table (docs/api.md, section 2) this route belongs to. */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSION, permission);

/** The authenticated caller; a route reached without one is a wiring bug, not a client error. */
export function principalOf(context: ExecutionContext): Principal {
  const principal = context.switchToHttp().getRequest<CausewayRequest>().principal;
  if (!principal) throw new Error('authenticated route without principal');
  return principal;
}
