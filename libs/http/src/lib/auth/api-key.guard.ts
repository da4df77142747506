import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleAllows, type Permission } from '@causeway/domain';
import { Problem } from '../problem/problem';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION } from './auth.decorators';
import { ApiKeyResolver } from './api-key.resolver';
import type { CausewayRequest } from './principal';

/**
 * Every route needs a valid key unless marked @Public(); a route without @RequirePermission needs
 * the admin role, so forgetting the decorator fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: ApiKeyResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<CausewayRequest>();
    const key = bearerToken(request.headers.authorization);
    if (!key) throw new Problem(401, 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>"');
    const principal = await this.resolver.resolve(key);
    if (!principal) throw new Problem(401, 'UNAUTHENTICATED', 'The API key is unknown or has been revoked');
    request.principal = principal;

    const permission = this.reflector.getAllAndOverride<Permission>(REQUIRED_PERMISSION, targets) ?? 'admin';
    if (!roleAllows(principal.role, permission)) {
      throw new Problem(403, 'FORBIDDEN', `The role ${principal.role} may not do this (needs the "${permission}" permission)`, undefined, {
        role: principal.role,
        permission,
      });
    }
    return true;
  }
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
