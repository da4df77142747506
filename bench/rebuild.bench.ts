/**
 * Read-model rebuild speed: how fast `Projector.rebuild()` replays a log into empty read models.
 *
 *   node -r @swc-node/register bench/rebuild.bench.ts --backend sqlite --events 1000000
 *   node -r @swc-node/register bench/rebuild.bench.ts --backend postgres --events 1000000
 *
 * Seeds N events of a realistic incident mix into a fresh log (the domain's own decider decides
 * every event: declarations, acknowledgements, notes, role assignments, severity and status
 * changes, escalations, resolutions, reopenings, closures, and a few API keys; 32 writers append
 * 1–4 events at a time, so incidents interleave in the log as they do in production), then times
 * `rebuild()` into fresh read models. The log is SQLite for `--backend sqlite` and PostgreSQL (the
 * PostgreSQL event store) for `--backend postgres`, unless `--log sqlite|postgres` says otherwise.
 * PostgreSQL comes from DATABASE_URL, or a private embedded server.
 *
 * One JSON line on stdout: {backend, events, seconds, eventsPerSec, log, …}; progress on stderr.
 * Other flags: `--batch N` (rebuild batch size; the projector's default otherwise), `--seed S`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  apiKeyDecider,
  decideIncident,
  DomainError,
  evolveIncident,
  INCIDENT_ROLES,
  SETTABLE_STATUSES,
  SEVERITIES,
  type IncidentCommand,
  type IncidentState,
} from '@causeway/domain';
import type { EventStore, NewEvent } from '@causeway/event-store';
import { PostgresEventStore } from '@causeway/event-store-postgres';
import { SqliteEventStore } from '@causeway/event-store-sqlite';
import { createReadModelDataSource, Projector } from '@causeway/read-models';
import { startPostgres, type PostgresHarness } from '@causeway/testing';
import { FlagPairs, log, round, seededRandom, type Backend } from './support/cli';

interface BenchArgs {
  readonly backend: Backend;
  readonly log: Backend;
  readonly events: number;
  readonly batch: number | undefined;
  readonly seed: number;
}

function parseArgs(argv: readonly string[]): BenchArgs {
  const flags = new FlagPairs(argv);
  const backend = flags.backend('backend', 'sqlite');
  return { backend, log: flags.backend('log', backend), events: flags.int('events') ?? 100_000, batch: flags.int('batch'), seed: flags.int('seed') ?? 7 };
}

const WRITERS = 32;
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const SERVICES = ['checkout', 'search', 'auth', 'payments', 'catalog', 'shipping', 'notifications'];
const NOTES = [
  'Error rate back under 1% after the rollback.',
  'Paging the database on-call; replica lag is above 30 s in eu-west.',
  'Customer support reports failed card payments from several merchants.',
  'Rolled back deploy 2026.11.21-3; watching the dashboards.',
  'Root cause looks like connection-pool exhaustion after the config change.',
];

/** Simulated wall time: every append moves it a little, so times are ordered and plausible. */
class SimulatedClock {
  private ms = Date.parse('2026-01-01T00:00:00.000Z');
  tick(): string {
    this.ms += 250;
    return new Date(this.ms).toISOString();
  }
}

/** One incident's life, decided command by command by the domain's own decider. */
function* incidentLife(random: () => number, clock: SimulatedClock): Generator<NewEvent[], void, void> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const incidentId = uuidv7();
  let state: IncidentState = null;
  const middle: IncidentCommand['type'][] = [];
  const notes = 2 + Math.floor(random() * 7);
  for (let i = 0; i < notes; i++) middle.push('AddIncidentNote');
  for (let i = Math.floor(random() * 3); i > 0; i--) middle.push('ChangeIncidentStatus');
  for (let i = 1 + Math.floor(random() * 3); i > 0; i--) middle.push('AssignIncidentRole');
  if (random() < 0.3) middle.push('ChangeIncidentSeverity');
  if (random() < 0.25) middle.push('EscalateIncident');
  for (let i = middle.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [middle[i], middle[j]] = [middle[j], middle[i]];
  }
  const script: IncidentCommand['type'][] = ['DeclareIncident', 'AcknowledgeIncident', ...middle, 'ResolveIncident'];
  if (random() < 0.1) script.push('ReopenIncident', 'AddIncidentNote', 'ResolveIncident');
  if (random() < 0.8) script.push('CloseIncident');

  let pending: NewEvent[] = [];
  let chunk = 1 + Math.floor(random() * 4);
  for (const type of script) {
    const actor = pick(PEOPLE);
    const metadata = { actor, now: clock.tick() };
    const command = commandOf(type, incidentId, metadata, random, pick);
    let decided;
    try {
      decided = decideIncident(command, state);
    } catch (error) {
      // The shuffled script may ask for a transition the current state refuses: skip it, as a user would be refused.
      if (error instanceof DomainError) continue;
      throw error;
    }
    for (const event of decided) {
      state = evolveIncident(state, event);
      pending.push({
        id: uuidv7(),
        type: event.type,
        data: event.data as unknown as NewEvent['data'],
        metadata: { actor, occurredAt: event.data.occurredAt },
      });
    }
    if (pending.length >= chunk) {
      yield pending;
      pending = [];
      chunk = 1 + Math.floor(random() * 4);
    }
  }
  if (pending.length > 0) yield pending;
}

function commandOf(
  type: IncidentCommand['type'],
  incidentId: string,
  metadata: { actor: string; now: string },
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): IncidentCommand {
  switch (type) {
    case 'DeclareIncident':
      return {
        type,
        metadata,
        data: {
          incidentId,
          title: `${pick(SERVICES)} ${pick(['latency above SLO', 'elevated 5xx', 'outage', 'degraded checkout', 'queue backlog'])}`,
          severity: pick(SEVERITIES),
          service: pick(SERVICES),
          team: random() < 0.8 ? pick(['payments', 'core', 'search', 'platform']) : undefined,
          vendorSite: random() < 0.4 ? pick(['eu-west', 'us-east', 'ap-south']) : undefined,
          summary: random() < 0.5 ? pick(NOTES) : undefined,
          labels: { region: pick(['eu', 'us', 'ap']), source: pick(['alertmanager', 'pagerduty', 'manual']) },
        },
      };
    case 'AcknowledgeIncident':
      return { type, metadata, data: random() < 0.6 ? { note: 'looking into it' } : {} };
    case 'AddIncidentNote':
      return { type, metadata, data: { text: pick(NOTES) } };
    case 'ChangeIncidentStatus':
      return { type, metadata, data: { status: pick(SETTABLE_STATUSES), note: random() < 0.5 ? pick(NOTES) : undefined } };
    case 'AssignIncidentRole':
      return { type, metadata, data: { role: pick(INCIDENT_ROLES), assignee: pick(PEOPLE) } };
    case 'ChangeIncidentSeverity':
      return { type, metadata, data: { severity: pick(SEVERITIES), reason: 'impact reassessed' } };
    case 'EscalateIncident':
      return { type, metadata, data: { reason: 'no progress in 30 minutes', toTeam: pick(['sre', 'database']) } };
    case 'ResolveIncident':
      return { type, metadata, data: { resolution: pick(NOTES) } };
    case 'ReopenIncident':
      return { type, metadata, data: { reason: 'errors came back' } };
    case 'CloseIncident':
      return { type, metadata, data: {} };
  }
}

async function seed(store: EventStore, args: BenchArgs): Promise<void> {
  const random = seededRandom(args.seed);
  const clock = new SimulatedClock();
  let remaining = args.events;
  let appended = 0;
  let reported = 0;
  const started = performance.now();

  async function createApiKey(): Promise<void> {
    const keyId = uuidv7();
    const metadata = { actor: 'admin', now: clock.tick() };
    const keyHash = createHash('sha256').update(keyId).digest('hex');
    const [event] = apiKeyDecider.decide(
      { type: 'CreateApiKey', metadata, data: { keyId, name: `key-${keyId.slice(-6)}`, role: 'responder', keyHash, keyPrefix: `cw_${keyId.slice(0, 6)}` } },
      null,
    );
    await store.append(`api-key-${keyId}`, [{ id: uuidv7(), type: event.type, data: event.data as unknown as NewEvent['data'], metadata: { actor: 'admin', occurredAt: event.data.occurredAt } }], {
      expectedVersion: 'no_stream',
    });
  }

  async function writer(): Promise<void> {
    while (remaining > 0) {
      let version = 0;
      let streamId: string | null = null;
      for (const events of incidentLife(random, clock)) {
        const take = events.slice(0, Math.max(0, remaining));
        if (take.length === 0) return;
        remaining -= take.length;
        streamId ??= `incident-${String(take[0].data['incidentId'])}`;
        const result = await store.append(streamId, take, { expectedVersion: version === 0 ? 'no_stream' : version });
        version = result.nextVersion;
        appended += take.length;
        if (appended - reported >= 100_000) {
          reported = appended;
          log(`seeded ${appended} events (${Math.round(appended / ((performance.now() - started) / 1000))}/s)`);
        }
      }
      if (remaining > 0 && random() < 0.01) {
        remaining -= 1;
        await createApiKey();
      }
    }
  }

  await Promise.all(Array.from({ length: WRITERS }, () => writer()));
  log(`seeded ${args.events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'causeway-rebuild-bench-'));
  let server: PostgresHarness | null = null;
  const postgres = async (): Promise<PostgresHarness> => {
    if (server === null) {
      server = await startPostgres();
      log(`postgres ready (${server.embedded ? 'embedded' : 'DATABASE_URL'})`);
    }
    return server;
  };
  try {
    const store: EventStore =
      args.log === 'postgres'
        ? await PostgresEventStore.open({ connectionString: (await (await postgres()).createDatabase()).url })
        : SqliteEventStore.open({ file: join(dir, 'events.db') });
    log(`seeding ${args.events} events into a ${args.log} log ...`);
    await seed(store, args);
    const head = await store.headPosition();

    const dataSource =
      args.backend === 'postgres'
        ? await createReadModelDataSource({ type: 'postgres', url: (await (await postgres()).createDatabase()).url })
        : await createReadModelDataSource({ type: 'sqlite', file: join(dir, 'read-models.db') });
    const projector = new Projector(store, dataSource, undefined, args.batch ? { rebuildBatchSize: args.batch } : {});
    log(`rebuilding ${head} events into ${args.backend} read models ...`);
    const cpuBefore = process.cpuUsage();
    const result = await projector.rebuild();
    const cpu = process.cpuUsage(cpuBefore);
    if (result.events !== head) throw new Error(`rebuild applied ${result.events} events, the log holds ${head}`);
    const [{ count }] = (await dataSource.query('SELECT COUNT(*) AS count FROM incidents')) as { count: string | number }[];
    log(`incidents: ${count}; client CPU ${((cpu.user + cpu.system) / head).toFixed(2)} µs/event`);
    await dataSource.destroy();
    await store.close();

    process.stdout.write(
      `${JSON.stringify({
        backend: args.backend,
        events: head,
        seconds: round(result.seconds, 3),
        eventsPerSec: Math.round(head / result.seconds),
        log: args.log,
        incidents: Number(count),
      })}\n`,
    );
  } finally {
    await (server as PostgresHarness | null)?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
