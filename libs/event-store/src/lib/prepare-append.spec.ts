import { DuplicateEventIdError } from './event-store.port';
import type { NewEvent } from './event-types';
import { checkNewEvent } from './prepare-append';

const metadata = { actor: 'alice', occurredAt: '2026-01-01T00:00:00.000Z' };

function event(overrides: Partial<Record<keyof NewEvent, unknown>> = {}): NewEvent {
  return { id: 'e-1', type: 'NoteAdded', data: { text: 'x' }, metadata, ...overrides } as NewEvent;
}

describe('checkNewEvent', () => {
  it('returns the metadata of a valid event and remembers its id', () => {
    const seen = new Set<string>();
    expect(checkNewEvent(event(), seen)).toBe(metadata);
    expect([...seen]).toEqual(['e-1']);
    expect(() => checkNewEvent(event(), seen)).toThrow(DuplicateEventIdError);
  });

  it('runs a backend type rule after the type check and before the data check', () => {
    const refuseDollar = (e: NewEvent): void => {
      if (e.type.startsWith('$')) throw new TypeError('system type');
    };
    expect(() => checkNewEvent(event({ type: '' }), new Set(), refuseDollar)).toThrow('needs a type');
    expect(() => checkNewEvent(event({ type: '$x', data: null }), new Set(), refuseDollar)).toThrow('system type');
    expect(() => checkNewEvent(event({ data: null }), new Set(), refuseDollar)).toThrow('data must be a JSON object');
  });

  it('refuses metadata without actor and occurredAt, or with an occurredAt that is not a time', () => {
    expect(() => checkNewEvent(event({ metadata: { actor: 'alice' } }), new Set())).toThrow('metadata needs actor and occurredAt');
    expect(() => checkNewEvent(event({ metadata: { actor: 'alice', occurredAt: 'soon' } }), new Set())).toThrow('not an ISO-8601 time');
  });
});
