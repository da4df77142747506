import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { CLOCK, IncidentCommands, type Clock, type CommandContext, type DeclareIncidentInput, type IncidentCommandInput, type IncidentCommandResult } from '@causeway/application';
import { incidentStreamId } from '@causeway/domain';
import type { EventStore, StoredEvent } from '@causeway/event-store';
import {
  ActionItemQueries,
  evolveIncidentSummary,
  IncidentQueries,
  Projector,
  TimelineQueries,
  type IncidentSummary,
  type ListIncidentsFilter,
} from '@causeway/read-models';
import { EVENT_STORE } from '../tokens';
import { Problem } from '../problem/problem';
import type { Page } from '../common/pagination.dto';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../common/read-your-writes';
import { toIncidentResource, type IncidentResource } from './incident.resource';

/** Incident summaries the projector just committed, kept to answer commands without a re-read. */
const RECENT_SUMMARIES = 5_000;

/**
 * Glue between HTTP and the application layer: run the command, wait until the projector has
 * applied its events (read-your-writes), answer from the read model.
 */
@Injectable()
export class IncidentsService implements OnModuleDestroy {
  private readonly recent = new LRUCache<string, IncidentSummary>({ max: RECENT_SUMMARIES });
  private readonly unsubscribe: () => void;

  constructor(
    private readonly commands: IncidentCommands,
    private readonly projector: Projector,
    private readonly incidents: IncidentQueries,
    private readonly timeline: TimelineQueries,
    private readonly actionItems: ActionItemQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.unsubscribe = projector.onApplied(({ incidents }) => {
      for (const summary of incidents) this.recent.set(summary.id, summary);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async declare(input: DeclareIncidentInput, context: CommandContext): Promise<IncidentResource> {
    return this.resourceAfter(await this.commands.declare(input, context));
  }

  async execute(incidentId: string, input: IncidentCommandInput, context: CommandContext): Promise<IncidentResource> {
    return this.resourceAfter(await this.commands.execute(incidentId, input, context));
  }

  async get(incidentId: string): Promise<IncidentResource> {
    const summary = await this.incidents.get(incidentId);
    if (!summary) throw Problem.notFound(`Incident ${incidentId} does not exist`);
    return this.withCounts(summary);
  }

  async list(filter: ListIncidentsFilter): Promise<Page<IncidentResource>> {
    const page = await this.incidents.list(filter);
    const counts = await this.actionItems.countsFor(
      page.items.map((summary) => summary.id),
      this.clock.now().toISOString(),
    );
    return { items: page.items.map((summary) => toIncidentResource(summary, counts.get(summary.id))), nextCursor: page.nextCursor };
  }

  async timelinePage(incidentId: string, limit: number, cursor?: string) {
    if (!(await this.incidents.get(incidentId))) throw Problem.notFound(`Incident ${incidentId} does not exist`);
    return this.timeline.list(incidentId, { limit, cursor });
  }

  async events(incidentId: string, fromVersion = 1): Promise<StoredEvent[]> {
    const events = await this.store.readStream(incidentStreamId(incidentId), { fromVersion: Math.max(fromVersion, 1) });
    if (events.length === 0 && (await this.store.streamVersion(incidentStreamId(incidentId))) === 0) {
      throw Problem.notFound(`Incident ${incidentId} does not exist`);
    }
    return events;
  }

  /**
   * The incident as the log recorded it at a past moment: the same pure projection the read model
   * uses, folded over the events recorded up to that time (or global position).
   */
  async asOf(incidentId: string, asOf: string): Promise<IncidentResource & { asOf: string }> {
    const events = await this.events(incidentId);
    const byPosition = /^\d+$/.test(asOf);
    const cutoff = byPosition ? Number(asOf) : Date.parse(asOf);
    if (!byPosition && Number.isNaN(cutoff)) throw Problem.validation([{ field: 'asOf', message: 'is not a valid time' }]);
    const upTo = events.filter((event) => (byPosition ? event.position <= cutoff : Date.parse(event.recordedAt) <= cutoff));
    const summary = upTo.reduce<IncidentSummary | null>((doc, event) => evolveIncidentSummary(doc, event), null);
    if (!summary) throw Problem.notFound(`Incident ${incidentId} did not exist at ${asOf}`);
    // The action-item counts as the log stood then: at the recorded time of the last event included.
    const at = byPosition ? (upTo.at(-1)?.recordedAt ?? new Date(0).toISOString()) : new Date(cutoff).toISOString();
    const counts = await this.actionItems.countsAsOf(incidentId, at);
    return { ...toIncidentResource(summary, counts), asOf: byPosition ? asOf : new Date(cutoff).toISOString() };
  }

  /**
   * Read-your-writes: answer once the projector committed the command's events. The summary it just
   * wrote is what a GET would read, so it is used directly when it is at least that new.
   */
  private async resourceAfter(result: IncidentCommandResult): Promise<IncidentResource> {
    await this.projector.waitFor(result.position, READ_YOUR_WRITES_TIMEOUT_MS);
    const recent = this.recent.get(result.incidentId);
    if (recent && recent.lastPosition >= result.position) return this.withCounts(recent);
    return this.get(result.incidentId);
  }

  private async withCounts(summary: IncidentSummary): Promise<IncidentResource> {
    const counts = await this.actionItems.countsFor([summary.id], this.clock.now().toISOString());
    return toIncidentResource(summary, counts.get(summary.id));
  }
}
