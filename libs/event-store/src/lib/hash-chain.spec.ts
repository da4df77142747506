import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { StoredEvent } from './event-types';
import { GENESIS_HASH, canonicalEventJson, chainHash, verifyChain, type HashedEventFields } from './hash-chain';

function chain(count: number, startPosition = 1, startPrevHash = GENESIS_HASH): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = startPrevHash;
  for (let i = 0; i < count; i++) {
    const fields: HashedEventFields = {
      position: startPosition + i,
      streamId: `incident-${i % 2}`,
      version: Math.floor(i / 2) + 1,
      id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      type: 'NoteAdded',
      data: { text: `note ${i}`, tags: ['a', 'b'] },
      metadata: { actor: 'alice', occurredAt: '2026-01-01T00:00:00.000Z' },
      occurredAt: '2026-01-01T00:00:00.000Z',
      recordedAt: '2026-01-01T00:00:01.000Z',
      actor: 'alice',
    };
    const hash = chainHash(prevHash, fields);
    events.push({ ...fields, hash, prevHash });
    prevHash = hash;
  }
  return events;
}

describe('hash chain', () => {
  it('starts from 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('canonicalises exactly the hashed fields, in RFC 8785 order', () => {
    const [event] = chain(1);
    const { hash: _hash, prevHash: _prevHash, ...fields } = event;
    expect(canonicalEventJson(event)).toBe(canonicalJson(fields));
    expect(Object.keys(JSON.parse(canonicalEventJson(event)))).toEqual([
      'actor',
      'data',
      'id',
      'metadata',
      'occurredAt',
      'position',
      'recordedAt',
      'streamId',
      'type',
      'version',
    ]);
  });

  it('matches the generic canonicalisation when fields need escaping', () => {
    const fields: HashedEventFields = {
      position: 9007199254740991,
      streamId: 'incident-"quoted"\\ü',
      version: 12,
      id: 'id\u2028with separator',
      type: 'Type\nWith\tControl',
      data: { '€': 1, a: [{ z: null, b: -0.5 }] },
      metadata: { actor: 'zoë 🚨', occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c' },
      occurredAt: '2026-01-01T00:00:00.000Z',
      recordedAt: '2026-01-01T00:00:00.001Z',
      actor: 'zoë 🚨',
    };
    expect(canonicalEventJson(fields)).toBe(canonicalJson(fields));
    expect(() => canonicalEventJson({ ...fields, position: 1.5 })).toThrow(TypeError);
  });

  it('hashes sha256 of the previous hash followed by the canonical JSON, in hex', () => {
    const [event] = chain(1);
    const expected = createHash('sha256').update(GENESIS_HASH + canonicalEventJson(event), 'utf8').digest('hex');
    expect(chainHash(GENESIS_HASH, event)).toBe(expected);
    expect(event.hash).toBe(expected);
  });

  it('does not depend on the key order of the payload', () => {
    const [event] = chain(1);
    const reordered = { ...event, data: { tags: ['a', 'b'], text: 'note 0' } };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(event.hash);
  });

  describe('verifyChain', () => {
    it('accepts an intact chain and an empty one', () => {
      expect(verifyChain(chain(5), GENESIS_HASH)).toEqual({
        ok: true,
        checked: 5,
        firstBrokenPosition: null,
        lastHash: chain(5)[4].hash,
        nextPosition: 6,
      });
      expect(verifyChain([], GENESIS_HASH)).toMatchObject({ ok: true, checked: 0, nextPosition: 1 });
    });

    it('reports an edited event at its position', () => {
      const events = chain(5);
      events[2] = { ...events[2], data: { text: 'forged' } };
      expect(verifyChain(events, GENESIS_HASH)).toMatchObject({ ok: false, checked: 3, firstBrokenPosition: 3 });
    });

    it('reports the next link when an edited event was re-hashed', () => {
      const events = chain(5);
      const forged = { ...events[2], data: { text: 'forged' } };
      events[2] = { ...forged, hash: chainHash(forged.prevHash, forged) };
      expect(verifyChain(events, GENESIS_HASH).firstBrokenPosition).toBe(4);
    });

    it('reports a deleted event at the missing position', () => {
      const events = chain(5);
      events.splice(3, 1);
      expect(verifyChain(events, GENESIS_HASH).firstBrokenPosition).toBe(4);
    });

    it('reports a swapped pair', () => {
      const events = chain(5);
      [events[1], events[2]] = [events[2], events[1]];
      expect(verifyChain(events, GENESIS_HASH).firstBrokenPosition).toBe(2);
    });

    it('reports a wrong starting link and a missing first event', () => {
      expect(verifyChain(chain(3), 'f'.repeat(64)).firstBrokenPosition).toBe(1);
      expect(verifyChain(chain(3).slice(1), GENESIS_HASH, 1).firstBrokenPosition).toBe(1);
    });

    it('continues page by page from lastHash and nextPosition', () => {
      const events = chain(7);
      const first = verifyChain(events.slice(0, 4), GENESIS_HASH, 1);
      const second = verifyChain(events.slice(4), first.lastHash, first.nextPosition);
      expect(second).toMatchObject({ ok: true, checked: 3, nextPosition: 8, lastHash: events[6].hash });
    });
  });
});
