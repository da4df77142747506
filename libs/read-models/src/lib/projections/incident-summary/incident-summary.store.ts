import type { ReadModelWriter } from '../../storage/read-model.writer';
import type { IncidentSummary } from './incident-summary.projection';
import { fromIncidentRow, IncidentSummaryEntity, toIncidentRow } from './incident-summary.entity';

export async function loadIncidentSummaries(writer: ReadModelWriter, ids: readonly string[]): Promise<Map<string, IncidentSummary>> {
  const rows = await writer.loadByIds(IncidentSummaryEntity, ids);
  return new Map(rows.map((row) => [row.id, fromIncidentRow(row)]));
}

/**
 * An update here never rewrites what only the declaration sets (service, team, vendor site, declared and
 * detected times): SQLite rewrites every index on a column named in SET, and those columns lead
 * the list indexes.
 */
export async function saveIncidentSummaries(writer: ReadModelWriter, docs: readonly IncidentSummary[]): Promise<void> {
  await writer.bulkWrite(IncidentSummaryEntity, docs.map(toIncidentRow), {
    kind: 'update',
    key: ['id'],
    update: [
      'title',
      'severity',
      'status',
      'summary',
      'commander',
      'roles',
      'labels',
      'escalation_level',
      'acknowledged_at',
      'mitigated_at',
      'resolved_at',
      'closed_at',
      'version',
      'last_position',
      'search_text',
    ],
  });
}
