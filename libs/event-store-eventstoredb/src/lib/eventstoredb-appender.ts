import { BACKWARDS, END, NO_STREAM, type AppendExpectedRevision, type EventStoreDBClient, type RecordedEvent } from '@eventstore/db-client';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  checkNewEvent,
  expectedVersionMatches,
  type AppendOptions,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
} from '@causeway/event-store';
import { checkRepeat, claimEventData, claimOwner } from './eventstoredb-claims';
import { isEsdbWrongExpectedVersion, toStoreError, toWrongExpectedVersionError } from './eventstoredb-errors';
import { FORMAT, toEsdbEventData } from './eventstoredb-events';
import type { EventStoreDbReader, StreamIds } from './eventstoredb-reader';
import { assertExpectedVersion, revisionForVersion, toAppendExpectedRevision, versionFromRevision } from './eventstoredb-revisions';
import { genesisEventData, parseGenesis } from './eventstoredb-seals';
import type { EventStoreDbSealer } from './eventstoredb-sealer';
import { assertUserStreamId, claimStreamName, esdbStreamName, userStreamRegex } from './eventstoredb-stream-names';

/** `any` / `exists` appends retry a lost race this often before reporting the conflict. */
const MAX_APPEND_ATTEMPTS = 20;

export interface ValidatedAppend {
  readonly streamId: string;
  readonly esdbStream: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

export interface EventStoreDbAppenderOptions {
  readonly client: EventStoreDBClient;
  readonly prefix: string;
  readonly sealer: EventStoreDbSealer;
  readonly reader: EventStoreDbReader;
}

/** The append protocol: id claims, an exact expected revision, and the wait for the seal. */
export class EventStoreDbAppender {
  private readonly client: EventStoreDBClient;
  private readonly prefix: string;
  private readonly sealer: EventStoreDbSealer;
  private readonly reader: EventStoreDbReader;
  private genesis: Promise<void> | null = null;

  constructor(options: EventStoreDbAppenderOptions) {
    this.client = options.client;
    this.prefix = options.prefix;
    this.sealer = options.sealer;
    this.reader = options.reader;
  }

  /**
   * 1. Claim every id (`causeway~id~<id>`, `no_stream`). A claim held for another stream refuses
   *    the append. A claim already held for this stream means the id may be stored here: the
   *    stream is read and the append is a repeat, a conflict, or new (a claim left by a failed
   *    attempt).
   * 2. Write with an exact expected revision, also for `any` / `exists` (from a read), so that the
   *    id check above still holds when the write lands: a concurrent append of the same ids must
   *    lose with wrong-expected-version and then finds them stored.
   * 3. Wait for the seal of the last event: that is the answer's position.
   */
  async append(request: ValidatedAppend): Promise<AppendResult> {
    await this.ensureGenesis();
    this.sealer.start();
    const ownClaimsExisted = await this.claimIds(request);

    // A lost race has just read the stream: the retry starts from that read instead of reading again.
    let known: StreamIds | null = null;
    for (let attempt = 1; ; attempt++) {
      if (ownClaimsExisted && known === null) {
        known = await this.reader.readStreamIds(request.esdbStream);
        const repeat = await this.repeatResult(request, known);
        if (repeat) return repeat;
      }
      const current = known?.version ?? (needsCurrentVersion(request.expected) ? await this.reader.streamVersion(request.streamId) : null);
      if (current !== null && !expectedVersionMatches(request.expected, current)) {
        throw new WrongExpectedVersionError(request.streamId, request.expected, current);
      }
      // Known current version (it matched): expect exactly it. Otherwise the expectation is
      // `no_stream` or a number, which ESDB checks exactly by itself.
      const expectedRevision: AppendExpectedRevision =
        current !== null ? revisionForVersion(current) : toAppendExpectedRevision(request.expected);

      let nextRevision: bigint;
      try {
        const result = await this.client.appendToStream(
          request.esdbStream,
          request.events.map((event) => toEsdbEventData(event)),
          { expectedRevision },
        );
        nextRevision = result.nextExpectedRevision;
      } catch (error) {
        if (!isEsdbWrongExpectedVersion(error)) throw toStoreError(error, `append to ${request.streamId}`);
        // Lost a race. If the winner stored these very ids this is a repeat; `any` and `exists`
        // may simply try again at the new version.
        const now = await this.reader.readStreamIds(request.esdbStream);
        const repeat = await this.repeatResult(request, now);
        if (repeat) return repeat;
        const retry = request.expected === 'any' || (request.expected === 'exists' && now.version > 0);
        if (retry && attempt < MAX_APPEND_ATTEMPTS) {
          known = now;
          continue;
        }
        throw toWrongExpectedVersionError(error, request.streamId, request.expected);
      }
      const nextVersion = versionFromRevision(nextRevision);
      const lastPosition = await this.reader.positionOf(request.streamId, nextVersion, false);
      return { streamId: request.streamId, nextVersion, lastPosition, duplicate: false };
    }
  }

  /** Claims every id; true when a claim of this stream already existed (the ids may be stored). */
  private async claimIds(request: ValidatedAppend): Promise<boolean> {
    const owners = await Promise.all(
      request.events.map(async (event): Promise<string | null> => {
        const stream = claimStreamName(this.prefix, event.id);
        try {
          await this.client.appendToStream(stream, claimEventData(request.streamId), { expectedRevision: NO_STREAM });
          return null;
        } catch (error) {
          if (!isEsdbWrongExpectedVersion(error)) throw toStoreError(error, 'id claim');
        }
        const claim = await this.reader.readFirstOf(stream);
        if (claim === null) throw new Error(`id claim ${stream} exists but cannot be read`);
        return claimOwner(claim);
      }),
    );
    const foreign = owners.findIndex((owner) => owner !== null && owner !== request.streamId);
    if (foreign !== -1) {
      const id = request.events[foreign].id;
      throw new DuplicateEventIdError(id, `Event id ${id} is already stored in another stream (${String(owners[foreign])})`);
    }
    return owners.some((owner) => owner !== null);
  }

  /** The original answer when the append repeats stored events; throws when it overlaps them partly. */
  private async repeatResult(request: ValidatedAppend, known: StreamIds): Promise<AppendResult | null> {
    const ids = request.events.map((event) => event.id);
    const check = checkRepeat(known.ids, ids);
    switch (check.kind) {
      case 'none':
        return null;
      case 'conflict': {
        const storedIn = known.ids.get(check.id);
        throw new DuplicateEventIdError(
          check.id,
          `Event id ${check.id} is already stored in stream ${request.streamId} (version ${String(storedIn)}), ` +
            'but this append is not an exact repeat of stored events',
        );
      }
      case 'repeat':
        return {
          streamId: request.streamId,
          nextVersion: known.version,
          lastPosition: await this.reader.positionOf(request.streamId, check.lastVersion, true),
          duplicate: true,
        };
      default: {
        const unknown: never = check;
        throw new Error(`unexpected repeat check ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Writes the seal stream's genesis record once per log, before the first event. */
  private ensureGenesis(): Promise<void> {
    this.genesis ??= this.createGenesis().catch((error: unknown) => {
      this.genesis = null;
      throw error;
    });
    return this.genesis;
  }

  private async createGenesis(): Promise<void> {
    const regex = userStreamRegex(this.prefix);
    const sealStream = this.reader.sealStream;
    const first = await this.reader.readFirstOf(sealStream);
    if (first === null) {
      let endOfAll: RecordedEvent | null = null;
      try {
        for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
          endOfAll = (resolved.event as RecordedEvent | undefined) ?? null;
        }
      } catch (error) {
        throw toStoreError(error, 'read of the end of $all');
      }
      try {
        await this.client.appendToStream(sealStream, genesisEventData(endOfAll?.position ?? null, regex), {
          expectedRevision: NO_STREAM,
        });
        return;
      } catch (error) {
        // Another process wrote it first; its checkpoint is as good as ours.
        if (!isEsdbWrongExpectedVersion(error)) throw toStoreError(error, 'genesis append');
      }
      return this.createGenesis();
    }
    const genesis = parseGenesis(first);
    if (genesis.format !== FORMAT || genesis.filter !== regex) {
      throw new Error(
        `seal stream ${sealStream} was started by format ${genesis.format} with filter ${genesis.filter}; ` +
          `this build writes format ${FORMAT} with filter ${regex}`,
      );
    }
  }
}

/** The shared per-event checks plus this backend's own rules on stream ids, versions and types. */
export function validateAppend(prefix: string, streamId: string, events: readonly NewEvent[], options: AppendOptions): ValidatedAppend {
  assertUserStreamId(streamId);
  if (!Array.isArray(events) || events.length === 0) throw new RangeError('append: at least one event is required');
  const expected: unknown = options?.expectedVersion;
  assertExpectedVersion(expected);
  const seen = new Set<string>();
  for (const event of events) checkNewEvent(event, seen, refuseSystemType);
  return { streamId, esdbStream: esdbStreamName(prefix, streamId), expected, events };
}

/** `$`-types are ESDB system events (links, stream metadata); a caller event must not look like one. */
function refuseSystemType(event: NewEvent): void {
  if (event.type.startsWith('$')) throw new TypeError(`append: event ${event.id} type must not start with '$'`);
}

/** `any` and `exists` are turned into the exact current revision, which needs a read. */
function needsCurrentVersion(expected: ExpectedVersion): boolean {
  return expected === 'any' || expected === 'exists';
}
