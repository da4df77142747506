import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@causeway/application';
import { TimelineQueries, type TimelineEntry } from '@causeway/read-models';
import { ActionItemsService } from '../action-items/action-items.service';
import { IncidentsService } from '../incidents/incidents.service';
import { RcaService } from '../rca/rca.service';
import { renderIncidentReport } from './incident-report';

/** The largest page the timeline query serves; the report pages through all of it. */
const TIMELINE_PAGE = 200;

/** Gathers an incident, its whole timeline, its RCA and its action items into one Markdown report. */
@Injectable()
export class ReportService {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly timeline: TimelineQueries,
    private readonly rca: RcaService,
    private readonly actionItems: ActionItemsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Throws a 404 problem for an unknown incident. */
  async markdown(incidentId: string): Promise<string> {
    const incident = await this.incidents.get(incidentId);
    const timeline = await this.fullTimeline(incidentId);
    const rca = await this.rca.find(incidentId);
    const actionItems = await this.actionItems.forIncident(incidentId);
    return renderIncidentReport({ incident, timeline, rca, actionItems, generatedAt: this.clock.now(), categories: this.rca.categories });
  }

  private async fullTimeline(incidentId: string): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.timeline.list(incidentId, { limit: TIMELINE_PAGE, cursor });
      entries.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return entries;
  }
}
