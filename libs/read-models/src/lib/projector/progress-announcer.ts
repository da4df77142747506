import type { EventStore } from '@causeway/event-store';
import type { DataSource } from 'typeorm';
import { incidentSummaryProjection } from '../projections/incident-summary/incident-summary.definition';
import { loadIncidentSummaries } from '../projections/incident-summary/incident-summary.store';
import { timelineProjection } from '../projections/timeline/timeline.definition';
import { withConnectionLock } from '../storage/connection-lock';
import { ReadModelWriter } from '../storage/read-model.writer';
import type { AppliedListeners } from './applied-listeners';
import type { PositionWaiter } from './position-waiter';
import type { ProjectorState } from './projector-state';
import { describe, type ProjectorLogger } from './projector.types';

/**
 * Following: tells listeners about the ranges another process committed (`origin: 'observed'`),
 * loading each from the log and the read models after the commit, one batch-sized page at a time.
 */
export class ProgressAnnouncer {
  /** Listeners have heard of everything up to here. */
  private announcedTo: number | null = null;
  /** The leader is replaying the log up to here (it rebuilt). */
  private replayUntil = 0;
  private announcing = false;
  private announceAgain = false;

  constructor(
    private readonly eventStore: EventStore,
    private readonly dataSource: DataSource,
    private readonly batchSize: number,
    private readonly state: ProjectorState,
    private readonly positions: PositionWaiter,
    private readonly listeners: AppliedListeners,
    private readonly logger: ProjectorLogger,
  ) {}

  /** Only what commits after `position` is news (this process stopped leading there). */
  resetTo(position: number | null): void {
    this.announcedTo = position;
  }

  /** The leader moved the checkpoint back from `known` to `position`: it is replaying what listeners saw. */
  rewound(position: number, known: number): void {
    this.replayUntil = Math.max(this.replayUntil, this.announcedTo ?? known);
    this.announcedTo = position;
  }

  /** The checkpoint (already advanced) is now `position`. */
  observed(position: number): void {
    if (this.announcedTo === null || this.listeners.size === 0) {
      // Nobody listens: only what commits from now on is news.
      this.announcedTo = position;
      return;
    }
    this.announce();
  }

  private announce(): void {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    void (async () => {
      try {
        do {
          this.announceAgain = false;
          while (this.state.following() && this.listeners.size > 0 && (this.announcedTo ?? 0) < (this.positions.position ?? 0)) {
            await this.announceNext();
          }
        } while (this.announceAgain);
      } catch (error) {
        // Retried with the next notification or tick; the checkpoint itself is already known.
        this.logger.warn(`Loading the batches another projector applied failed: ${describe(error)}`);
      } finally {
        this.announcing = false;
      }
    })();
  }

  private async announceNext(): Promise<void> {
    const from = this.announcedTo ?? 0;
    const to = this.positions.position ?? 0;
    if (from < this.replayUntil) {
      // The leader is rebuilding: every listener has seen these events; the position is the news.
      const position = Math.min(to, this.replayUntil);
      this.announcedTo = position;
      this.listeners.notify({ events: [], entries: [], incidents: [], position, replay: true, origin: 'observed' });
      return;
    }
    const events = (await this.eventStore.readAll({ after: from, limit: this.batchSize })).filter((event) => event.position <= to);
    if (this.announcedTo !== from) return;
    const position = events.at(-1)?.position ?? to;
    const { incidentIds } = incidentSummaryProjection.of(events).ids();
    const incidents = await withConnectionLock(this.dataSource, () => loadIncidentSummaries(new ReadModelWriter(this.dataSource.manager), incidentIds));
    if (this.announcedTo !== from) return;
    this.announcedTo = position;
    const { entries } = timelineProjection.of(events).project({});
    this.listeners.notify({ events, entries, incidents: [...incidents.values()], position, replay: false, origin: 'observed' });
  }
}
