import { Injectable } from '@nestjs/common';
import { Projector, TimelineQueries, type TimelineEntry } from '@causeway/read-models';
import type { Request, Response } from 'express';

const HEARTBEAT_MS = 15_000;
const BACKLOG_PAGE = 200;

/**
 * Server-Sent Events for one incident's timeline. Each message's `id` is the entry's global
 * position, so a client that reconnects with `Last-Event-ID` gets exactly what it missed. Live
 * entries are buffered while the backlog is read, then deduplicated by position: nothing is missed
 * between the two and nothing is sent twice.
 */
@Injectable()
export class TimelineStreamService {
  constructor(
    private readonly projector: Projector,
    private readonly timeline: TimelineQueries,
  ) {}

  async open(incidentId: string, request: Request, response: Response): Promise<void> {
    const lastEventId = Number(request.headers['last-event-id'] ?? request.query['lastEventId'] ?? 0);
    let sent = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;
    let buffered: TimelineEntry[] | null = [];

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write('retry: 2000\n\n');

    const send = (entries: readonly TimelineEntry[]) => {
      for (const entry of entries) {
        if (entry.position <= sent) continue;
        response.write(`id: ${entry.position}\ndata: ${JSON.stringify(entry)}\n\n`);
        sent = entry.position;
      }
    };

    const unsubscribe = this.projector.onApplied(({ entries }) => {
      const mine = entries.filter((entry) => entry.incidentId === incidentId);
      if (mine.length === 0) return;
      if (buffered) buffered.push(...mine);
      else send(mine);
    });
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });

    // Backlog in position order (the order ids must be monotonic in), then the buffered live tail.
    for (;;) {
      const page = await this.timeline.list(incidentId, { limit: BACKLOG_PAGE, afterPosition: sent, order: 'position' });
      send(page.items);
      if (page.items.length < BACKLOG_PAGE) break;
    }
    const tail = buffered.sort((a, b) => a.position - b.position);
    buffered = null;
    send(tail);
  }
}
