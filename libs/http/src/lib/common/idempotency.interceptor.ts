import { CallHandler, Inject, Injectable, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { IDEMPOTENCY_STORE, CLOCK, type Clock, type IdempotencyStore } from '@causeway/application';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, of, switchMap, type Observable } from 'rxjs';
import type { CausewayRequest } from '../auth/principal';
import { Problem } from '../problem/problem';
import { canonicalJson } from '@causeway/event-store';

const REPLAYED_HEADERS = ['etag', 'location'];

/**
 * docs/api.md, section 5: a repeat of a POST/PUT with the same `Idempotency-Key` and the same body gets
 * the first status and body and appends nothing; the same key with another body is refused (422).
 * Two concurrent first attempts are both run: their event ids derive from the key, so the log keeps
 * one copy and the second is answered as a replay.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & CausewayRequest>();
    const key = request.headers['idempotency-key'];
    if (key === undefined || !['POST', 'PUT'].includes(request.method)) return next.handle();
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw Problem.validation([{ field: 'Idempotency-Key', message: 'must be a string of 1 to 255 characters' }]);
    }
    const scope = request.principal?.keyId ?? 'anonymous';
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl.split('?')[0]}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    const response = context.switchToHttp().getResponse<Response>();

    return from(this.store.find(scope, key)).pipe(
      switchMap((existing) => {
        if (existing) {
          if (existing.requestHash !== requestHash) {
            throw new Problem(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request', [
              { field: 'Idempotency-Key', message: 'was already used with another method, path or body' },
            ]);
          }
          response.status(existing.status);
          for (const [name, value] of Object.entries(existing.headers)) response.setHeader(name, value);
          response.setHeader('Idempotent-Replayed', 'true');
          return of(existing.body);
        }
        request.idempotencySeed = `${scope}:${key}:${requestHash}`;
        return next.handle().pipe(
          switchMap(async (body: unknown) => {
            const headers = Object.fromEntries(
              REPLAYED_HEADERS.flatMap((name) => {
                const value = response.getHeader(name);
                return value === undefined ? [] : [[name, String(value)]];
              }),
            );
            await this.store.save({
              scope,
              key,
              requestHash,
              status: response.statusCode,
              body: body ?? null,
              headers,
              createdAt: this.clock.now().toISOString(),
            });
            return body;
          }),
        );
      }),
    );
  }
}
