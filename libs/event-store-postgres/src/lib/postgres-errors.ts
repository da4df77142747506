import { StoreUnavailableError } from '@causeway/event-store';

/** Socket-level failures: the server is not there (yet, or any more). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * SQLSTATEs after which the request may well succeed against a healthy server, so the caller is
 * told "unavailable, retry" (HTTP 503) rather than given a bug-shaped error:
 * 08 connection exception, 53 insufficient resources (too many connections, disk full),
 * 57 operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 starting up,
 * 57014 statement timeout), 58 system error, 55P03 lock timeout, 40001/40P01 serialization
 * failure / deadlock.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)|^(55P03|40001|40P01)$/;

/** node-postgres reports a lost or never-established connection with these messages and no code. */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end',
  'Query read timeout',
];

/** True when `error` means "the database cannot be reached or cannot serve right now". */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  return typeof message === 'string' && CONNECTION_MESSAGES.some((text) => message.includes(text));
}

/** Maps availability failures to StoreUnavailableError; anything else is returned unchanged. */
export function toStoreError(error: unknown, doing: string): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailableError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`event store unavailable while ${doing}: ${message}`, { cause: error });
}
