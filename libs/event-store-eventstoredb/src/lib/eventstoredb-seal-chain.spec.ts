import type { Position } from '@eventstore/db-client';
import { GENESIS_HASH, chainHash, verifyChain } from '@causeway/event-store';
import type { DecodedEvent } from './eventstoredb-events';
import { toStoredEvent, type SealHead } from './eventstoredb-seals';
import { ChainDivergedError, SealChain } from './eventstoredb-seal-chain';

const genesis: SealHead = { position: 0, hash: GENESIS_HASH, recordedAt: '', checkpoint: { commit: 100n, prepare: 100n } };

function event(n: number, created = `2026-05-06T07:08:${String(10 + n).padStart(2, '0')}.000Z`): DecodedEvent {
  return {
    streamId: `incident-${n % 2}`,
    version: Math.floor(n / 2) + 1,
    id: `e-${n}`,
    type: n % 2 === 0 ? 'IncidentDeclared' : 'IncidentResolved',
    data: { n },
    metadata: { actor: 'alice', occurredAt: '2026-01-01T00:00:00.000Z' },
    created,
    esdbStream: `p/incident-${n % 2}`,
    revision: BigInt(Math.floor(n / 2)),
  };
}

const at = (n: number): Position => ({ commit: 1000n + BigInt(n) * 10n, prepare: 1000n + BigInt(n) * 10n });

function feed(chain: SealChain, from: number, to: number) {
  const out = [];
  for (let n = from; n <= to; n++) out.push(chain.accept(event(n), at(n)));
  return out;
}

describe('SealChain', () => {
  it('numbers events densely from the head and chains them as verify() expects', () => {
    const chain = new SealChain(genesis);
    const accepted = feed(chain, 1, 4);

    const records = accepted.map((a) => a!.record);
    expect(records.map((r) => r.position)).toEqual([1, 2, 3, 4]);
    expect(records[0].prevHash).toBe(GENESIS_HASH);
    const stored = records.map((record, i) => toStoredEvent(event(i + 1), record));
    for (const s of stored) expect(chainHash(s.prevHash, s)).toBe(s.hash);
    expect(verifyChain(stored, GENESIS_HASH)).toMatchObject({ ok: true, checked: 4 });
    expect(accepted.every((a) => a!.alreadySealed === false)).toBe(true);
    expect(chain.unsealed(10)).toEqual(records);
  });

  it('is deterministic: two sealers fed the same $all order compute the same seals', () => {
    const a = feed(new SealChain(genesis), 1, 6).map((x) => x!.record);
    const b = feed(new SealChain(genesis), 1, 6).map((x) => x!.record);
    expect(b).toEqual(a);
  });

  it('continues a chain from a later head', () => {
    const full = feed(new SealChain(genesis), 1, 5).map((x) => x!.record);
    const head: SealHead = { position: 3, hash: full[2].hash, recordedAt: full[2].recordedAt, checkpoint: full[2].checkpoint };
    const resumed = new SealChain(head);
    // A subscription may redeliver the event at its start position; it is not counted twice.
    expect(resumed.accept(event(3), at(3))).toBeNull();
    expect(feed(resumed, 4, 5).map((x) => x!.record)).toEqual(full.slice(3));
  });

  it('never lets recordedAt go backwards in position order', () => {
    const chain = new SealChain(genesis);
    const first = chain.accept(event(1, '2026-05-06T07:00:10.000Z'), at(1))!.record;
    const second = chain.accept(event(2, '2026-05-06T07:00:09.000Z'), at(2))!.record;
    const third = chain.accept(event(3, '2026-05-06T07:00:11.000Z'), at(3))!.record;
    expect([first.recordedAt, second.recordedAt, third.recordedAt]).toEqual([
      '2026-05-06T07:00:10.000Z',
      '2026-05-06T07:00:10.000Z',
      '2026-05-06T07:00:11.000Z',
    ]);
  });

  it('moves the sealed head on its own writes', () => {
    const chain = new SealChain(genesis);
    feed(chain, 1, 5);
    expect(chain.confirm(2).map((r) => r.position)).toEqual([1, 2]);
    expect(chain.sealedPosition).toBe(2);
    expect(chain.unsealed(10).map((r) => r.position)).toEqual([3, 4, 5]);
    expect(chain.computedPosition).toBe(5);
  });

  it('takes over seals another sealer wrote when they agree with its own', () => {
    const chain = new SealChain(genesis);
    const records = feed(chain, 1, 5).map((x) => x!.record);
    const theirs: SealHead = { position: 3, hash: records[2].hash, recordedAt: records[2].recordedAt, checkpoint: records[2].checkpoint };

    expect(chain.reconcile(theirs).map((r) => r.position)).toEqual([1, 2, 3]);
    expect(chain.sealedPosition).toBe(3);
    expect(chain.unsealed(10).map((r) => r.position)).toEqual([4, 5]);
  });

  it('checks a head that is ahead of what it has computed once it gets there', () => {
    const reference = feed(new SealChain(genesis), 1, 4).map((x) => x!.record);
    const chain = new SealChain(genesis);
    feed(chain, 1, 1);
    chain.reconcile({ position: 3, hash: reference[2].hash, recordedAt: reference[2].recordedAt, checkpoint: reference[2].checkpoint });

    const [second, third, fourth] = feed(chain, 2, 4);
    expect(second).toMatchObject({ alreadySealed: true });
    expect(third).toMatchObject({ alreadySealed: true });
    expect(fourth).toMatchObject({ alreadySealed: false });
    expect(chain.unsealed(10).map((r) => r.position)).toEqual([4]);
  });

  it('stops with ChainDivergedError when the seal stream disagrees with its own chain', () => {
    const chain = new SealChain(genesis);
    const records = feed(chain, 1, 3).map((x) => x!.record);
    expect(() => chain.reconcile({ position: 2, hash: 'f'.repeat(64), recordedAt: records[1].recordedAt, checkpoint: records[1].checkpoint })).toThrow(
      ChainDivergedError,
    );

    const ahead = new SealChain(genesis);
    feed(ahead, 1, 1);
    ahead.reconcile({ position: 2, hash: 'f'.repeat(64), recordedAt: '', checkpoint: at(2) });
    expect(() => ahead.accept(event(2), at(2))).toThrow(/two sealers disagree/);

    const back = new SealChain({ ...genesis, position: 5, hash: 'e'.repeat(64) });
    expect(() => back.reconcile({ ...genesis, position: 4 })).toThrow(/went back/);
  });
});
