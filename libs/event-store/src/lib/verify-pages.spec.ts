import type { StoredEvent } from './event-types';
import { GENESIS_HASH, chainHash, type HashedEventFields } from './hash-chain';
import { verifyInPages, type VerifySource } from './verify-pages';

function chain(count: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < count; i++) {
    const fields: HashedEventFields = {
      position: i + 1,
      streamId: 'incident-1',
      version: i + 1,
      id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      type: 'NoteAdded',
      data: { text: `note ${i}` },
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

/** A log held in memory, read `pageSize` events at a time, recording what verify asked for. */
function source(log: readonly StoredEvent[], pageSize: number, unreadable?: number) {
  const calls: string[] = [];
  const src: VerifySource = {
    linkInto: (start) => {
      calls.push(`link ${start}`);
      return log.find((event) => event.position === start - 1)?.hash ?? GENESIS_HASH;
    },
    readPage: async (next, to) => {
      calls.push(`page ${next}-${to}`);
      const events: StoredEvent[] = [];
      for (const event of log.filter((e) => e.position >= next && e.position <= to).slice(0, pageSize)) {
        if (event.position === unreadable) return { events, unreadableAt: event.position };
        events.push(event);
      }
      return { events };
    },
    betweenPages: () => calls.push('between'),
  };
  return { src, calls };
}

describe('verifyInPages', () => {
  it('checks the range page by page, handing the last hash on, and pauses only between pages', async () => {
    const { src, calls } = source(chain(5), 2);
    expect(await verifyInPages(1, 5, src)).toEqual({ ok: true, checked: 5, firstBrokenPosition: null });
    expect(calls).toEqual(['page 1-5', 'between', 'page 3-5', 'between', 'page 5-5']);
  });

  it('asks for the link into the range only when the range starts after position 1', async () => {
    const { src, calls } = source(chain(5), 10);
    expect(await verifyInPages(3, 4, src)).toEqual({ ok: true, checked: 2, firstBrokenPosition: null });
    expect(calls).toEqual(['link 3', 'page 3-4']);
    const zero = source(chain(2), 10);
    expect(await verifyInPages(0, 2, zero.src)).toEqual({ ok: true, checked: 2, firstBrokenPosition: null });
    expect(zero.calls).toEqual(['page 1-2']);
  });

  it('reads nothing for an empty range', async () => {
    const { src, calls } = source(chain(3), 10);
    expect(await verifyInPages(0, 0, src)).toEqual({ ok: true, checked: 0, firstBrokenPosition: null });
    expect(await verifyInPages(3, 2, src)).toEqual({ ok: true, checked: 0, firstBrokenPosition: null });
    expect(calls).toEqual([]);
  });

  it('reports an edited event at its position, counting the events checked up to it', async () => {
    const log = chain(5);
    log[3] = { ...log[3], data: { text: 'edited' } };
    const { src } = source(log, 2);
    expect(await verifyInPages(1, 5, src)).toEqual({ ok: false, checked: 4, firstBrokenPosition: 4 });
  });

  it('reports an event the page could not read at its position, counted as checked', async () => {
    const { src } = source(chain(5), 2, 4);
    expect(await verifyInPages(1, 5, src)).toEqual({ ok: false, checked: 4, firstBrokenPosition: 4 });
  });

  it('reports the first missing position when the log ends before the range does', async () => {
    const { src } = source(chain(3), 2);
    expect(await verifyInPages(1, 5, src)).toEqual({ ok: false, checked: 3, firstBrokenPosition: 4 });
  });
});
