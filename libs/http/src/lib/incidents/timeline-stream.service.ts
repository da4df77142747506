import { Injectable, StreamableFile } from '@nestjs/common';
import { Projector, TimelineQueries, type TimelineEntry } from '@causeway/read-models';
import { Readable } from 'node:stream';
import { Reply } from '../common/reply';

const HEARTBEAT_MS = 15_000;
const BACKLOG_PAGE = 200;

/**
 * Server-Sent Events for one incident's timeline. Each message's `id` is the entry's global
 * position, so a client that reconnects with `Last-Event-ID` gets exactly what it missed. Live
 * entries are buffered while the backlog is read, then deduplicated by position: nothing is missed
 * between the two and nothing is sent twice.
 *
 * The events are a stream Nest pipes to the client on any HTTP platform; when the client goes,
 * Nest destroys it, which ends the subscription and the keep-alive.
 */
@Injectable()
export class TimelineStreamService {
  constructor(
    private readonly projector: Projector,
    private readonly timeline: TimelineQueries,
  ) {}

  /** `lastEventId`: the position the client saw last (0 for everything). */
  open(incidentId: string, lastEventId: number): Reply<StreamableFile> {
    let sent = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;
    let buffered: TimelineEntry[] | null = [];

    const output = new Readable({ read: () => undefined });
    output.push('retry: 2000\n\n');

    const send = (entries: readonly TimelineEntry[]) => {
      for (const entry of entries) {
        if (entry.position <= sent) continue;
        output.push(`id: ${entry.position}\ndata: ${JSON.stringify(entry)}\n\n`);
        sent = entry.position;
      }
    };

    const unsubscribe = this.projector.onApplied(({ entries }) => {
      const mine = entries.filter((entry) => entry.incidentId === incidentId);
      if (mine.length === 0) return;
      if (buffered) buffered.push(...mine);
      else send(mine);
    });
    const heartbeat = setInterval(() => output.push(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    output.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });

    // Backlog in position order (the order ids must be monotonic in), then the buffered live tail.
    const backlog = async () => {
      for (;;) {
        const page = await this.timeline.list(incidentId, { limit: BACKLOG_PAGE, afterPosition: sent, order: 'position' });
        if (output.destroyed) return;
        send(page.items);
        if (page.items.length < BACKLOG_PAGE) break;
      }
      const tail = (buffered ?? []).sort((a, b) => a.position - b.position);
      buffered = null;
      send(tail);
    };
    backlog().catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));

    // Proxies must neither cache nor buffer the stream, and the connection stays open.
    return Reply.of(new StreamableFile(output, { type: 'text/event-stream; charset=utf-8' }), {
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
  }
}
