import type { IncidentRole, IncidentStatus, Severity } from '@causeway/domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { IncidentSummary } from './incident-summary.projection';
import { POSITION, storedTime, storedTimeOrNull, TIMESTAMP } from '../../storage/column-types';

/**
 * Every list query orders newest first by (declared_at, id) and pages with a keyset on that pair,
 * so each filter gets a composite index ending in it: the filter picks a range and the index
 * already holds it in order, with no sort step. Ascending indexes serve the DESC order too (both
 * SQLite and PostgreSQL scan an index backwards).
 */
@Entity({ name: 'incidents' })
@Index('idx_incidents_declared_at_id', ['declaredAt', 'id'])
@Index('idx_incidents_status_declared_at_id', ['status', 'declaredAt', 'id'])
@Index('idx_incidents_severity_declared_at_id', ['severity', 'declaredAt', 'id'])
@Index('idx_incidents_service_declared_at_id', ['service', 'declaredAt', 'id'])
@Index('idx_incidents_team_declared_at_id', ['team', 'declaredAt', 'id'])
@Index('idx_incidents_vendor_site_declared_at_id', ['vendorSite', 'declaredAt', 'id'])
export class IncidentSummaryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 8 })
  severity: Severity;

  @Column({ type: 'varchar', length: 16 })
  status: IncidentStatus;

  @Column({ type: 'varchar', length: 100 })
  service: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  team: string | null;

  @Column({ name: 'vendor_site', type: 'varchar', length: 100, nullable: true })
  vendorSite: string | null;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  commander: string | null;

  @Column({ type: 'simple-json' })
  roles: Partial<Record<IncidentRole, string>>;

  @Column({ type: 'simple-json' })
  labels: Record<string, string>;

  @Column({ name: 'escalation_level', type: 'integer' })
  escalationLevel: number;

  @Column({ name: 'declared_at', ...TIMESTAMP })
  declaredAt: string;

  @Column({ name: 'detected_at', ...TIMESTAMP })
  detectedAt: string;

  @Column({ name: 'acknowledged_at', ...TIMESTAMP, nullable: true })
  acknowledgedAt: string | null;

  @Column({ name: 'mitigated_at', ...TIMESTAMP, nullable: true })
  mitigatedAt: string | null;

  @Column({ name: 'resolved_at', ...TIMESTAMP, nullable: true })
  resolvedAt: string | null;

  @Column({ name: 'closed_at', ...TIMESTAMP, nullable: true })
  closedAt: string | null;


  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'last_position', ...POSITION })
  lastPosition: number;

  /**
   * Title and summary lower-cased in JavaScript for `q`: SQLite's LOWER and LIKE fold ASCII only and
   * PostgreSQL's LIKE is case-sensitive, so folding here is the one way that matches alike on both.
   */
  @Column({ name: 'search_text', type: 'text' })
  searchText: string;
}

export function toIncidentRow(doc: IncidentSummary): IncidentSummaryEntity {
  return {
    id: doc.id,
    title: doc.title,
    severity: doc.severity,
    status: doc.status,
    service: doc.service,
    team: doc.team,
    vendorSite: doc.vendorSite,
    summary: doc.summary,
    commander: doc.commander,
    roles: { ...doc.roles },
    labels: { ...doc.labels },
    escalationLevel: doc.escalationLevel,
    declaredAt: doc.declaredAt,
    detectedAt: doc.detectedAt,
    acknowledgedAt: doc.acknowledgedAt,
    mitigatedAt: doc.mitigatedAt,
    resolvedAt: doc.resolvedAt,
    closedAt: doc.closedAt,
    version: doc.version,
    lastPosition: doc.lastPosition,
    searchText: searchTextOf(doc.title, doc.summary),
  };
}

export function fromIncidentRow(row: IncidentSummaryEntity): IncidentSummary {
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    status: row.status,
    service: row.service,
    team: row.team,
    vendorSite: row.vendorSite,
    summary: row.summary,
    commander: row.commander,
    roles: row.roles,
    labels: row.labels,
    escalationLevel: row.escalationLevel,
    declaredAt: storedTime(row.declaredAt),
    detectedAt: storedTime(row.detectedAt),
    acknowledgedAt: storedTimeOrNull(row.acknowledgedAt),
    mitigatedAt: storedTimeOrNull(row.mitigatedAt),
    resolvedAt: storedTimeOrNull(row.resolvedAt),
    closedAt: storedTimeOrNull(row.closedAt),
    version: row.version,
    lastPosition: row.lastPosition,
  };
}

/** A newline separates the fields so a search term never matches across them. */
export function searchTextOf(title: string, summary: string | null): string {
  return `${title}\n${summary ?? ''}`.toLowerCase();
}
