import { defineProjection, NO_DOCUMENTS } from '../projection';
import { TimelineEntryEntity } from './timeline-entry.entity';
import { insertTimelineEntries } from './timeline.store';
import { TIMELINE_EVENTS, toTimelineEntry, type TimelineEntry } from './timeline.projection';

/** Incident timelines: one row per event, keyed by log position, so nothing is loaded first. */
export const timelineProjection = defineProjection({
  name: 'timeline',
  eventTypes: TIMELINE_EVENTS,
  entities: [TimelineEntryEntity],
  documents: NO_DOCUMENTS,
  project: (events) => ({ entries: events.map(toTimelineEntry).filter((entry): entry is TimelineEntry => entry !== null) }),
  save: (writer, { entries }) => insertTimelineEntries(writer, entries),
});
