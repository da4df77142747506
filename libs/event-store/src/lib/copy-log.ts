import type { EventStore } from './event-store.port';
import type { NewEvent, StoredEvent } from './event-types';

export interface CopyLogOptions {
  /** Events read per page from the source. Default 5000. */
  readonly batchSize?: number;
  /** Called after each page with the number of events copied so far. */
  readonly onProgress?: (copied: number, sourceHead: number) => void;
}

export interface CopyLogResult {
  readonly copied: number;
  /** Events already in the target (same id): a resumed copy skips them. */
  readonly skipped: number;
  readonly seconds: number;
}

/**
 * Moves a whole log to another backend (SQLite → PostgreSQL, say), in global order, keeping every
 * event id, stream, version, type, data, actor and business time. The target assigns its own
 * positions, `recordedAt` and hash chain; the original position, time and hash are kept in
 * `metadata.importedFrom`, so the audit trail survives the move. Each event is appended with the
 * expected version it had in the source, so a target that holds another log fails loudly;
 * re-running after an interruption resumes: events the target already has (same ids) are skipped.
 */
export async function copyLog(source: EventStore, target: EventStore, options: CopyLogOptions = {}): Promise<CopyLogResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 5000;
  const head = await source.headPosition();
  let copied = 0;
  let skipped = 0;
  for (let after = 0; ; ) {
    const page = await source.readAll({ after, limit: batchSize });
    if (page.length === 0) break;
    // Consecutive events of one stream go in one append; streams interleave freely otherwise.
    for (const run of runsByStream(page)) {
      // A resumed copy: what the target already has of this stream must be this very log's events.
      const targetVersion = await target.streamVersion(run[0].streamId);
      const present = run.filter((event) => event.version <= targetVersion);
      for (const event of present) {
        if ((await target.findEvent(event.id))?.streamId !== event.streamId) {
          throw new Error(`target already holds ${event.streamId} version ${event.version} with another event: it is not a copy of this log`);
        }
      }
      skipped += present.length;
      const fresh = run.slice(present.length);
      if (fresh.length === 0) continue;
      await target.append(fresh[0].streamId, fresh.map((event) => toImported(source.backend, event)), {
        expectedVersion: fresh[0].version === 1 ? 'no_stream' : fresh[0].version - 1,
      });
      copied += fresh.length;
    }
    after = page[page.length - 1].position;
    options.onProgress?.(copied + skipped, head);
  }
  return { copied, skipped, seconds: (Date.now() - started) / 1000 };
}

function runsByStream(events: readonly StoredEvent[]): StoredEvent[][] {
  const runs: StoredEvent[][] = [];
  for (const event of events) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1].streamId === event.streamId) last.push(event);
    else runs.push([event]);
  }
  return runs;
}

function toImported(backend: string, event: StoredEvent): NewEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: {
      ...event.metadata,
      actor: event.actor,
      occurredAt: event.occurredAt,
      importedFrom: event.metadata.importedFrom ?? { backend, position: event.position, recordedAt: event.recordedAt, hash: event.hash },
    },
  };
}
