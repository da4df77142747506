import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Problem } from '../problem/problem';

/**
 * `If-Match: "<version>"` → the expected stream version; absent or `*` → undefined (no check).
 * Weak validators are refused: versions are exact.
 */
export const IfMatchVersion = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined => {
  const header = context.switchToHttp().getRequest<Request>().headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*"(\d{1,15})"\s*$/.exec(header);
  if (!match) throw Problem.validation([{ field: 'If-Match', message: 'must be an ETag this API returned, e.g. "3"' }]);
  return Number(match[1]);
});

export const etag = (version: number): string => `"${version}"`;
