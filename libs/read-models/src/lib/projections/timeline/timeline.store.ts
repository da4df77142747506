import type { ReadModelWriter } from '../../storage/read-model.writer';
import type { TimelineEntry } from './timeline.projection';
import { TimelineEntryEntity, toTimelineRow } from './timeline-entry.entity';

/** Entries are keyed by log position: one applied twice is ignored. */
export async function insertTimelineEntries(writer: ReadModelWriter, entries: readonly TimelineEntry[]): Promise<void> {
  await writer.bulkWrite(TimelineEntryEntity, entries.map(toTimelineRow), { kind: 'ignore', key: ['position'] });
}
