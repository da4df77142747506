import {
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  type EventData,
  type RecordedEvent,
} from '@eventstore/db-client';
import { GENESIS_HASH, StoreUnavailableError, WrongExpectedVersionError, expectedVersionMatches, type NewEvent } from '@causeway/event-store';
import { CLAIM_EVENT_TYPE, checkRepeat, claimEventData, claimOwner } from './eventstoredb-claims';
import { isEsdbWrongExpectedVersion, isStreamNotFound, isUnavailableError, toStoreError, toWrongExpectedVersionError } from './eventstoredb-errors';
import { FOREIGN_ACTOR, decodeRecordedEvent, toEsdbEventData } from './eventstoredb-events';
import { INDEX_EVENT_TYPE, indexEventData, mergeIndexEntries, type IndexEntry } from './eventstoredb-position-index';
import { revisionForVersion, toAppendExpectedRevision, versionFromCurrentRevision, versionFromRevision } from './eventstoredb-revisions';
import {
  GENESIS_EVENT_TYPE,
  comparePositions,
  genesisEventData,
  parseGenesis,
  parseLinkData,
  parseSealHead,
  parseSealLink,
  sealLinkEventData,
  splitSealRead,
  toStoredEvent,
  type SealRecord,
} from './eventstoredb-seals';
import {
  assertStreamPrefix,
  assertUserStreamId,
  claimStreamName,
  esdbStreamName,
  indexStreamName,
  sealStreamName,
  streamIdFromEsdb,
  userStreamRegex,
} from './eventstoredb-stream-names';

const CREATED = new Date('2026-05-06T07:08:09.123Z');

/**
 * What the client hands back for a written event: the same conversion its `convertGrpcRecord`
 * applies (JSON data parsed for application/json, metadata parsed when it is JSON). Plain data, so
 * the mapping is checked against the shapes the client's type definitions promise.
 */
function recorded(stream: string, revision: bigint, data: EventData, created = CREATED): RecordedEvent {
  const metadataBytes =
    data.metadata === undefined
      ? undefined
      : data.metadata instanceof Uint8Array
        ? data.metadata
        : new Uint8Array(Buffer.from(JSON.stringify(data.metadata)));
  const metadata = metadataBytes === undefined ? undefined : (JSON.parse(Buffer.from(metadataBytes).toString('utf8')) as Record<string, unknown>);
  const isJson = data.contentType === 'application/json';
  return {
    streamId: stream,
    id: data.id,
    revision,
    type: data.type,
    created,
    data: isJson ? JSON.parse(JSON.stringify(data.data)) : data.data,
    metadata,
    isJson,
    position: { commit: 1000n + revision, prepare: 1000n + revision },
  } as RecordedEvent;
}

const newEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  type: 'IncidentDeclared',
  data: { title: 'Checkout latency', nested: { list: [1, 2.5, null, true], text: 'ünïcödé 🚨' } },
  metadata: { actor: 'alice', occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c-1', causationId: 'k-1' },
  ...overrides,
});

const seal = (overrides: Partial<SealRecord> = {}): SealRecord => ({
  position: 7,
  hash: 'a'.repeat(64),
  prevHash: 'b'.repeat(64),
  recordedAt: '2026-05-06T07:08:09.123Z',
  streamId: 'incident-1',
  version: 3,
  id: 'e-3',
  esdbStream: 'p/incident-1',
  revision: 2n,
  checkpoint: { commit: 5000n, prepare: 4990n },
  ...overrides,
});

describe('EventStoreDB mapping', () => {
  describe('stream names', () => {
    it('keeps caller streams under the prefix and bookkeeping beside them', () => {
      expect(esdbStreamName('run-1/', 'incident-7')).toBe('run-1/incident-7');
      expect(sealStreamName('run-1/')).toBe('run-1/causeway~seal');
      expect(claimStreamName('run-1/', 'e-1')).toBe('run-1/causeway~id~e-1');
      expect(indexStreamName('run-1/', 'incident-7')).toBe('run-1/causeway~ix~incident-7');
      expect(streamIdFromEsdb('run-1/', 'run-1/incident-7')).toBe('incident-7');
      expect(streamIdFromEsdb('run-1/', 'run-1/causeway~seal')).toBeNull();
      expect(streamIdFromEsdb('run-1/', 'run-2/incident-7')).toBeNull();
      expect(streamIdFromEsdb('', '$ce-incident')).toBeNull();
      expect(streamIdFromEsdb('', 'incident-7')).toBe('incident-7');
    });

    // .NET and ECMAScript agree on anchors, escapes and negative lookahead, the only constructs used.
    it.each([
      ['', 'incident-1', true],
      ['', 'action-item-9', true],
      ['', '$ce-incident', false],
      ['', '$$incident-1', false],
      ['', 'causeway~seal', false],
      ['', 'causeway~id~e-1', false],
      ['run.1+(a)/', 'run.1+(a)/incident-1', true],
      ['run.1+(a)/', 'runX1+(a)/incident-1', false],
      ['run.1+(a)/', 'run.1+(a)/causeway~ix~incident-1', false],
      ['run.1+(a)/', 'incident-1', false],
    ])('filter for prefix %j matches %j: %s', (prefix, stream, matches) => {
      expect(new RegExp(userStreamRegex(prefix)).test(stream)).toBe(matches);
      expect(streamIdFromEsdb(prefix, stream) !== null).toBe(matches);
    });

    it('refuses prefixes and stream ids that would collide with system or bookkeeping streams', () => {
      expect(() => assertStreamPrefix('$x')).toThrow(TypeError);
      expect(() => assertStreamPrefix('a/causeway~/')).toThrow(TypeError);
      expect(() => assertStreamPrefix('tenant-a/')).not.toThrow();
      expect(() => assertUserStreamId('')).toThrow(TypeError);
      expect(() => assertUserStreamId('$all')).toThrow(TypeError);
      expect(() => assertUserStreamId('causeway~seal')).toThrow(TypeError);
      expect(() => assertUserStreamId('incident-1')).not.toThrow();
    });
  });

  describe('expected versions and revisions', () => {
    it('maps 1-based versions to 0-based revisions', () => {
      expect(revisionForVersion(0)).toBe(NO_STREAM);
      expect(revisionForVersion(1)).toBe(0n);
      expect(revisionForVersion(5)).toBe(4n);
      expect(() => revisionForVersion(-1)).toThrow(RangeError);
      expect(() => revisionForVersion(1.5)).toThrow(RangeError);
    });

    it.each([
      ['any', ANY],
      ['no_stream', NO_STREAM],
      ['exists', STREAM_EXISTS],
      [0, NO_STREAM],
      [1, 0n],
      [3, 2n],
    ] as const)('expected version %j is ESDB expected revision %j', (expected, revision) => {
      expect(toAppendExpectedRevision(expected)).toBe(revision);
    });

    it('maps revisions and current revisions back to versions', () => {
      expect(versionFromRevision(0n)).toBe(1);
      expect(versionFromRevision(41n)).toBe(42);
      expect(versionFromCurrentRevision(NO_STREAM)).toBe(0);
      expect(versionFromCurrentRevision(4n)).toBe(5);
      expect(() => versionFromRevision(-2n)).toThrow(RangeError);
    });

    it('checks expectations against a current version like the other adapters', () => {
      expect(expectedVersionMatches('any', 0)).toBe(true);
      expect(expectedVersionMatches('no_stream', 0)).toBe(true);
      expect(expectedVersionMatches('no_stream', 2)).toBe(false);
      expect(expectedVersionMatches('exists', 0)).toBe(false);
      expect(expectedVersionMatches('exists', 2)).toBe(true);
      expect(expectedVersionMatches(2, 2)).toBe(true);
      expect(expectedVersionMatches(1, 2)).toBe(false);
    });
  });

  describe('errors', () => {
    it("translates the client's wrong-expected-version into ours with the actual version", () => {
      const existing = new EsdbWrongExpectedVersionError(undefined, { streamName: 'p/incident-1', expected: 0n, current: 1n });
      const missing = new EsdbWrongExpectedVersionError(undefined, { streamName: 'p/incident-1', expected: 0n, current: NO_STREAM });
      expect(isEsdbWrongExpectedVersion(existing)).toBe(true);

      const mapped = toWrongExpectedVersionError(existing, 'incident-1', 1);
      expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
      expect(mapped).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamId: 'incident-1', expected: 1, actual: 2 });
      expect(toWrongExpectedVersionError(missing, 'incident-1', 'exists')).toMatchObject({ expected: 'exists', actual: 0 });
    });

    it('recognises connectivity failures in every shape the client produces', () => {
      expect(isUnavailableError(new UnavailableError())).toBe(true);
      expect(isUnavailableError(new DeadlineExceededError())).toBe(true);
      // The client leaves its capability probe's gRPC status unconverted (seen against a closed port).
      expect(isUnavailableError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }))).toBe(true);
      expect(isUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(true);
      expect(isUnavailableError(new Error('Failed to discover after 10 attempts.'))).toBe(true);

      expect(isUnavailableError(new StreamNotFoundError(undefined, 'x'))).toBe(false);
      expect(isUnavailableError(new EsdbWrongExpectedVersionError(undefined, { streamName: 'x', expected: 0n, current: 1n }))).toBe(false);
      expect(isUnavailableError(new Error('boom'))).toBe(false);
      expect(isUnavailableError('14')).toBe(false);
      expect(isStreamNotFound(new StreamNotFoundError(undefined, 'x'))).toBe(true);
    });

    it('wraps connectivity failures as StoreUnavailableError and passes everything else through', () => {
      const cause = new UnavailableError();
      const mapped = toStoreError(cause, 'append');
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as StoreUnavailableError).cause).toBe(cause);
      expect((mapped as Error).message).toMatch(/^EventStoreDB append failed/);

      const other = new RangeError('no');
      expect(toStoreError(other, 'append')).toBe(other);
      const already = new StoreUnavailableError('closed');
      expect(toStoreError(already, 'append')).toBe(already);
    });
  });

  describe('caller events', () => {
    it('writes JSON with the Causeway id and metadata in the ESDB metadata, under a fresh ESDB id', () => {
      const event = newEvent();
      const data = toEsdbEventData(event, '11111111-2222-4333-8444-555555555555');
      expect(data).toMatchObject({ id: '11111111-2222-4333-8444-555555555555', contentType: 'application/json', type: event.type, data: event.data });
      expect(data.metadata).toEqual({
        causeway: { format: 1, id: event.id, metadata: event.metadata },
        $correlationId: 'c-1',
        $causationId: 'k-1',
      });
      const a = toEsdbEventData(event);
      const b = toEsdbEventData(event);
      expect(a.id).not.toBe(b.id);
      expect(a.id).not.toBe(event.id);
    });

    it('decodes what it wrote back into the caller event', () => {
      const event = newEvent();
      const decoded = decodeRecordedEvent(recorded('p/incident-1', 2n, toEsdbEventData(event)), 'p/');
      expect(decoded).toEqual({
        streamId: 'incident-1',
        version: 3,
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        created: '2026-05-06T07:08:09.123Z',
        esdbStream: 'p/incident-1',
        revision: 2n,
      });
      expect(decodeRecordedEvent(recorded('q/incident-1', 0n, toEsdbEventData(event)), 'p/')).toBeNull();
    });

    it('decodes events other tools wrote into a caller stream deterministically', () => {
      const binary = recorded('incident-1', 0n, { id: 'f0000000-0000-4000-8000-000000000001', contentType: 'application/octet-stream', type: 'Raw', data: new Uint8Array([1, 2, 3]), metadata: undefined } as EventData);
      expect(decodeRecordedEvent(binary, '')).toMatchObject({
        id: 'f0000000-0000-4000-8000-000000000001',
        data: { base64: 'AQID' },
        metadata: { actor: FOREIGN_ACTOR, occurredAt: '2026-05-06T07:08:09.123Z' },
      });
      const json = recorded('incident-1', 1n, { id: 'f0000000-0000-4000-8000-000000000002', contentType: 'application/json', type: 'Raw', data: [1, 2], metadata: undefined } as EventData);
      expect(decodeRecordedEvent(json, '')).toMatchObject({ data: { value: [1, 2] }, version: 2 });
    });

    it('builds the stored event from the caller event and its chain fields', () => {
      const event = newEvent();
      const decoded = decodeRecordedEvent(recorded('incident-1', 0n, toEsdbEventData(event)), '');
      const chain = { position: 9, hash: 'c'.repeat(64), prevHash: 'd'.repeat(64), recordedAt: '2026-05-06T07:08:10.000Z' };
      expect(toStoredEvent(decoded!, chain)).toEqual({
        ...chain,
        streamId: 'incident-1',
        version: 1,
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        occurredAt: '2026-01-01T00:00:00.000Z',
        actor: 'alice',
      });
    });
  });

  describe('seals', () => {
    it('writes a seal as a link to the sealed event carrying the chain fields, and reads it back', () => {
      const record = seal();
      const data = sealLinkEventData(record, '22222222-3333-4444-8555-666666666666');
      expect(data).toMatchObject({ id: '22222222-3333-4444-8555-666666666666', type: '$>', contentType: 'application/octet-stream' });
      expect(Buffer.from(data.data as Uint8Array).toString('utf8')).toBe('2@p/incident-1');

      const link = recorded('p/causeway~seal', 7n, data);
      expect(parseLinkData(link)).toEqual({ revision: 2n, esdbStream: 'p/incident-1' });
      expect(parseSealLink(link)).toEqual(record);
      expect(parseSealHead(link)).toEqual({ position: 7, hash: record.hash, recordedAt: record.recordedAt, checkpoint: record.checkpoint });
    });

    it('refuses a seal whose position is not its revision in the seal stream', () => {
      const link = recorded('p/causeway~seal', 8n, sealLinkEventData(seal()));
      expect(() => parseSealLink(link)).toThrow(/position 7 is not its revision/);
    });

    it('starts the seal stream with a genesis record that fixes the start in $all and the filter', () => {
      const checkpoint = { commit: 123n, prepare: 120n };
      const genesis = recorded('p/causeway~seal', 0n, genesisEventData(checkpoint, userStreamRegex('p/')));
      expect(genesis.type).toBe(GENESIS_EVENT_TYPE);
      expect(parseGenesis(genesis)).toEqual({ format: 1, filter: userStreamRegex('p/'), checkpoint });
      expect(parseSealHead(genesis)).toEqual({ position: 0, hash: GENESIS_HASH, recordedAt: '', checkpoint });
      const empty = recorded('p/causeway~seal', 0n, genesisEventData(null, userStreamRegex('p/')));
      expect(parseSealHead(empty).checkpoint).toBeNull();
    });

    it('splits a resolved seal read into the seal and its event, or notes the event is gone', () => {
      const link = recorded('p/causeway~seal', 7n, sealLinkEventData(seal()));
      const target = recorded('p/incident-1', 2n, toEsdbEventData(newEvent()));
      expect(splitSealRead({ link, event: target })).toEqual({ link, target });
      expect(splitSealRead({ link })).toEqual({ link, target: null });
      expect(splitSealRead({ event: link })).toEqual({ link, target: null });
      expect(splitSealRead({ event: target })).toBeNull();
    });

    it('orders $all positions by commit, then prepare', () => {
      expect(comparePositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 0n })).toBe(-1);
      expect(comparePositions({ commit: 2n, prepare: 3n }, { commit: 2n, prepare: 1n })).toBe(1);
      expect(comparePositions({ commit: 2n, prepare: 3n }, { commit: 2n, prepare: 3n })).toBe(0);
    });
  });

  describe('position index', () => {
    const entry = (version: number, position: number): IndexEntry => ({
      version,
      id: `e-${version}`,
      position,
      hash: String(position).padStart(64, '0'),
      prevHash: String(position - 1).padStart(64, '0'),
      recordedAt: '2026-05-06T07:08:09.123Z',
    });

    it('gives the same batch the same event id, so a racing sealer is usually deduplicated', () => {
      const a = indexEventData('p/causeway~ix~incident-1', [entry(1, 4), entry(2, 6)]);
      const b = indexEventData('p/causeway~ix~incident-1', [entry(1, 4), entry(2, 6)]);
      const c = indexEventData('p/causeway~ix~incident-1', [entry(3, 9)]);
      expect(a.id).toBe(b.id);
      expect(a.id).not.toBe(c.id);
      expect(a.type).toBe(INDEX_EVENT_TYPE);
      expect(() => indexEventData('p/causeway~ix~incident-1', [])).toThrow(RangeError);
    });

    it('merges repeated entries and refuses contradicting ones', () => {
      const stream = 'p/causeway~ix~incident-1';
      const first = recorded(stream, 0n, indexEventData(stream, [entry(1, 4), entry(2, 6)]));
      const repeat = recorded(stream, 1n, indexEventData(stream, [entry(2, 6)]));
      const next = recorded(stream, 2n, indexEventData(stream, [entry(3, 9)]));
      expect([...mergeIndexEntries([first, repeat, next]).values()]).toEqual([entry(1, 4), entry(2, 6), entry(3, 9)]);

      const forged = recorded(stream, 3n, indexEventData(stream, [entry(2, 7)]));
      expect(() => mergeIndexEntries([first, forged])).toThrow(/conflicting index entries for version 2/);
    });
  });

  describe('id claims and repeats', () => {
    it('records the claiming stream', () => {
      const claim = recorded('p/causeway~id~e-1', 0n, claimEventData('incident-1'));
      expect(claim.type).toBe(CLAIM_EVENT_TYPE);
      expect(claimOwner(claim)).toBe('incident-1');
      expect(() => claimOwner(recorded('x', 0n, genesisEventData(null, '^')))).toThrow(/malformed id claim/);
    });

    const stored = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);

    it.each([
      [['x', 'y'], { kind: 'none' }],
      [['a', 'b'], { kind: 'repeat', lastVersion: 2 }],
      [['b', 'c'], { kind: 'repeat', lastVersion: 3 }],
      [['c'], { kind: 'repeat', lastVersion: 3 }],
      [['b', 'x'], { kind: 'conflict', id: 'b' }],
      [['x', 'b'], { kind: 'conflict', id: 'b' }],
      [['b', 'a'], { kind: 'conflict', id: 'b' }],
      [['a', 'c'], { kind: 'conflict', id: 'a' }],
    ])('ids %j against stored a,b,c: %j', (ids, expected) => {
      expect(checkRepeat(stored, ids)).toEqual(expected);
    });
  });
});
