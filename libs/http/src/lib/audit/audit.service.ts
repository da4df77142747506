import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import type { EventStore, StoredEvent } from '@causeway/event-store';
import { Readable } from 'node:stream';
import { EVENT_STORE } from '../tokens';

const EXPORT_PAGE = 1000;

/** Pages of the raw log, its hash-chain check, and the whole log as NDJSON (docs/api.md, section 11). */
@Injectable()
export class AuditService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async events(after: number, limit: number) {
    const items = await this.store.readAll({ after, limit });
    return { items, nextCursor: items.length === limit ? String(items[items.length - 1].position) : null };
  }

  verify() {
    return this.store.verify();
  }

  /**
   * The first page is read before answering, so a store that fails at once gets a problem
   * document; a failure later aborts the download rather than ending it as if it were complete.
   */
  async export(): Promise<StreamableFile> {
    const first = await this.store.readAll({ after: 0, limit: EXPORT_PAGE });
    const lines = async function* (store: EventStore): AsyncGenerator<string> {
      for (let page: StoredEvent[] = first; ; ) {
        for (const event of page) yield `${JSON.stringify(event)}\n`;
        if (page.length < EXPORT_PAGE) return;
        page = await store.readAll({ after: page[page.length - 1].position, limit: EXPORT_PAGE });
      }
    };
    return new StreamableFile(Readable.from(lines(this.store), { objectMode: false }), {
      type: 'application/x-ndjson',
      disposition: 'attachment; filename="causeway-events.ndjson"',
    });
  }
}
