import { StoreUnavailableError } from '@causeway/event-store';
import { isUnavailableError, toStoreError } from './postgres-errors';

const withCode = (code: string, message = 'boom'): Error => Object.assign(new Error(message), { code });

describe('postgres error mapping', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED')],
    ['admin shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['server starting up', withCode('57P03', 'the database system is starting up')],
    ['statement timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['connection failure', withCode('08006')],
    ['too many connections', withCode('53300')],
    ['lost socket', new Error('Connection terminated unexpectedly')],
    ['pool wait', new Error('timeout exceeded when trying to connect')],
  ])('treats %s as unavailable', (_, error) => {
    expect(isUnavailableError(error)).toBe(true);
    const mapped = toStoreError(error, 'appending');
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as StoreUnavailableError).cause).toBe(error);
    expect((mapped as StoreUnavailableError).message).toContain('appending');
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a type error', new TypeError('bad input')],
  ])('passes %s through unchanged', (_, error) => {
    expect(isUnavailableError(error)).toBe(false);
    expect(toStoreError(error, 'appending')).toBe(error);
  });
});
