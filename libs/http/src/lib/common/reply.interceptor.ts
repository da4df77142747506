import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { Reply } from './reply';

/**
 * Writes a `Reply`'s headers through Nest's HTTP adapter (so it runs on any platform) and answers
 * with its body. It must run inside the idempotency interceptor, which records those headers.
 */
@Injectable()
export class ReplyInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Reply)) return result;
        for (const [name, value] of Object.entries(result.headers)) this.adapterHost.httpAdapter.setHeader(response, name, value);
        return result.body as unknown;
      }),
    );
  }
}
