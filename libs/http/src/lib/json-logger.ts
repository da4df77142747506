import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * Nest's logger interface over pino: one JSON line per entry on stdout. Request-scoped logging
 * (pino-http) is opt-in with CAUSEWAY_LOG_REQUESTS, because its per-request child loggers and async
 * context cost more than the rest of a command's HTTP handling.
 *
 * Call style follows Nest (`message, context`) and pino (`{err, ...fields}, message`); both work.
 */
export class JsonLogger implements LoggerService {
  readonly pino: Logger;

  constructor(level: string, destination?: pino.DestinationStream) {
    this.pino = pino({ level, base: { service: 'causeway' }, redact: ['req.headers.authorization', 'req.headers.cookie'] }, destination);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest appends the context (a class name) as the last string argument.
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      const text = typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
      this.pino[level]({ ...(message as object), context }, text ?? context ?? '');
    } else if (message instanceof Error) {
      this.pino[level]({ err: message, context }, message.message);
    } else {
      const stack = level === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
      this.pino[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
