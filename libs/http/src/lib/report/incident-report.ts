import { DEFAULT_CAUSE_CATEGORIES, type CauseCategory } from '@causeway/domain';
import type { TimelineEntry } from '@causeway/read-models';
import type { ActionItemResource } from '../action-items/action-item.resource';
import type { IncidentResource } from '../incidents/incident.resource';
import type { RcaResource } from '../rca/rca.resource';

export interface IncidentReportInput {
  readonly incident: IncidentResource;
  /** The whole timeline, oldest first (by occurredAt). */
  readonly timeline: readonly TimelineEntry[];
  readonly rca: RcaResource | null;
  readonly actionItems: readonly ActionItemResource[];
  readonly generatedAt: Date;
  /** The cause taxonomy used for labels; the shipped default when omitted. */
  readonly categories?: readonly CauseCategory[];
}

/** An entry recorded this long after it happened is marked as back-dated. */
export const BACKDATED_THRESHOLD_MS = 5 * 60_000;

/**
 * Escapes user text for inline Markdown: emphasis, code, HTML and table pipes can never change the
 * document's structure, and line breaks are folded so a table row stays one line.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_|<>[\]#]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

/** Escapes multi-line user text (summaries, lessons): each line escaped, paragraphs kept. */
function escapeBlock(text: string): string {
  return text
    .split(/\r\n?|\n/)
    .map((line) => escapeMarkdown(line.trim()))
    .join('  \n');
}

/** A duration in seconds as people say it: `45s`, `12m 5s`, `3h 20m`, `2d 4h`. */
export function humanDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const seconds = s % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return seconds > 0 ? `${minutes}m ${seconds}s` : `${minutes}m`;
  return `${seconds}s`;
}

/** `2026-03-01 09:58:00 UTC`. */
export function formatTime(iso: string | null): string {
  if (iso === null) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMarkdown(iso);
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function between(from: string, to: string | null): string {
  if (to === null) return '—';
  return humanDuration((Date.parse(to) - Date.parse(from)) / 1000);
}

function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : escapeMarkdown(value);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function factsTable(incident: IncidentResource): string[] {
  const roles = Object.entries(incident.roles)
    .filter(([, assignee]) => typeof assignee === 'string' && assignee !== '')
    .map(([role, assignee]) => `${escapeMarkdown(role)}: ${escapeMarkdown(assignee as string)}`)
    .join(', ');
  const labels = Object.entries(incident.labels)
    .map(([key, value]) => `${escapeMarkdown(key)}=${escapeMarkdown(value)}`)
    .join(', ');
  const facts: [string, string][] = [
    ['Severity', incident.severity],
    ['Status', incident.status],
    ['Service', orDash(incident.service)],
    ['Team', orDash(incident.team)],
    ['Vendor site', orDash(incident.vendorSite)],
    ['Commander', orDash(incident.commander)],
    ['Roles', roles || '—'],
    ['Declared', formatTime(incident.declaredAt)],
    ['Detected', formatTime(incident.detectedAt)],
    ['Acknowledged', formatTime(incident.acknowledgedAt)],
    ['Mitigated', formatTime(incident.mitigatedAt)],
    ['Resolved', formatTime(incident.resolvedAt)],
    ['Closed', formatTime(incident.closedAt)],
    ['Time to acknowledge', between(incident.detectedAt, incident.acknowledgedAt)],
    ['Time to mitigate', between(incident.detectedAt, incident.mitigatedAt)],
    ['Time to resolve', between(incident.detectedAt, incident.resolvedAt)],
    ['Escalation level', String(incident.escalationLevel)],
    ['Labels', labels || '—'],
  ];
  return ['| Fact | Value |', '|---|---|', ...facts.map(([name, value]) => row([name, value]))];
}

function timelineSection(timeline: readonly TimelineEntry[]): string[] {
  if (timeline.length === 0) return ['No timeline entries.'];
  const rows = timeline.map((entry) => {
    const late = Date.parse(entry.recordedAt) - Date.parse(entry.occurredAt) > BACKDATED_THRESHOLD_MS;
    const when = late ? `${formatTime(entry.occurredAt)} (recorded ${formatTime(entry.recordedAt)})` : formatTime(entry.occurredAt);
    return row([when, orDash(entry.actor), escapeMarkdown(entry.summary)]);
  });
  return ['| Time (UTC) | Who | What |', '|---|---|---|', ...rows];
}

function rcaSection(rca: RcaResource | null, categories: readonly CauseCategory[]): string[] {
  if (rca === null) return ['No RCA yet.'];
  const label = (id: string) => escapeMarkdown(categories.find((c) => c.id === id)?.label ?? id);
  const lines = [
    `**Status:** ${rca.status.replace('_', ' ')}  `,
    `**Category:** ${label(rca.category)}`,
    '',
    '### Summary',
    '',
    escapeBlock(rca.summary),
    '',
    '### Root cause',
    '',
    escapeBlock(rca.rootCause),
    '',
    '### Contributing factors',
    '',
  ];
  if (rca.contributingFactors.length === 0) lines.push('None.');
  else for (const factor of rca.contributingFactors) lines.push(`- **${label(factor.category)}:** ${escapeMarkdown(factor.description)}`);
  lines.push('', '### Five whys', '');
  if (rca.whys.length === 0) lines.push('None.');
  else rca.whys.forEach((why, i) => lines.push(`${i + 1}. ${escapeMarkdown(why)}`));
  lines.push('', '### Lessons', '', rca.lessons ? escapeBlock(rca.lessons) : 'None recorded.');
  return lines;
}

function actionItemsSection(items: readonly ActionItemResource[]): string[] {
  if (items.length === 0) return ['None.'];
  const rows = items.map((item) =>
    row([
      escapeMarkdown(item.title),
      orDash(item.owner),
      item.overdue ? `${formatTime(item.dueAt)} **(overdue)**` : formatTime(item.dueAt),
      item.priority,
      item.kind,
      item.status.replace('_', ' '),
    ]),
  );
  return ['| Title | Owner | Due | Priority | Kind | Status |', '|---|---|---|---|---|---|', ...rows];
}

/**
 * Pure: the incident as a Markdown document for a wiki or post-mortem page. All user text is
 * escaped so it cannot break a table or inject markup.
 */
export function renderIncidentReport(input: IncidentReportInput): string {
  const { incident, timeline, rca, actionItems, generatedAt } = input;
  const categories = input.categories ?? DEFAULT_CAUSE_CATEGORIES;
  const position = timeline.reduce((max, entry) => Math.max(max, entry.position), 0);
  const lines = [
    `# ${escapeMarkdown(incident.title)}`,
    '',
    ...factsTable(incident),
    '',
    '## Summary',
    '',
    incident.summary ? escapeBlock(incident.summary) : 'No summary.',
    '',
    '## Timeline',
    '',
    ...timelineSection(timeline),
    '',
    '## Root-cause analysis',
    '',
    ...rcaSection(rca, categories),
    '',
    '## Action items',
    '',
    ...actionItemsSection(actionItems),
    '',
    '---',
    '',
    `_Generated by Causeway at ${formatTime(generatedAt.toISOString())} from the event log (position ${position})_`,
    '',
  ];
  return lines.join('\n');
}
