/**
 * The overdue board at scale, and how fast the overdue scheduler marks a burst of items that fall
 * due in the same second. (Over 400 lines on purpose: one experiment that reads top to bottom,
 * seeding, measuring and checking its own result; its shared parts live in bench/support.)
 *
 *   node -r @swc-node/register bench/overdue.bench.ts --backend sqlite --items 1000000
 *   node -r @swc-node/register bench/overdue.bench.ts --backend postgres --items 1000000
 *
 * 1. Seeds through the real event log (SQLite in a temp data dir, or a fresh PostgreSQL database):
 *    `--incidents` declared incidents (varied severity, service, team) and `--items` action items,
 *    every event decided by the domain's own decider and appended by 64 concurrent writers (one
 *    append per item stream, so the store groups their commits): 10% overdue (open or in progress,
 *    due in the past, each already carrying its `ActionItemBecameOverdue` for that due date, as a
 *    live system's would), 60% finished (done on time, done late after being marked overdue, or
 *    cancelled; past due dates) and 30% open or in progress with future due dates; `--owners`
 *    owners (`owner-N`, every one with overdue items) and 40 teams. Then `Projector.rebuild()`
 *    projects the log into the read models the server uses (the fastest honest way to catch up).
 * 2. Starts the real application in this process (`createCausewayApp`, role `all`: projector and
 *    overdue scheduler running) on a loopback port and sends, over keep-alive (Node's fetch), after
 *    a warm-up, `--requests` sequential `GET /api/v1/action-items/overdue?owner=<random owner>` and
 *    as many unfiltered first pages. Each answer must be 200 with items (the owner's only, past
 *    due, each with its incident); the unfiltered page must be most overdue first and start with
 *    the most overdue seeded item.
 * 3. Appends `--same-second` ActionItemCreated items all due at one whole second T (far enough
 *    ahead that they are appended and projected before T), waits for the projection, then follows
 *    the log (a store subscription) until every one has its `ActionItemBecameOverdue`.
 *    `sameSecondMarkedMs` = the last mark's `recordedAt` - T; `sameSecondFirstMarkMs` the first's.
 *    After two more scheduler intervals the marks are counted again: exactly one per item.
 *
 * PostgreSQL comes from DATABASE_URL, or a private embedded server. One JSON line on stdout;
 * progress on stderr. `peakRssMb` is this process's peak (seeding, projection and the server
 * together; the PostgreSQL server's own memory is not included).
 * Other flags: `--writers N` (concurrent seeding appends, default 64), `--seed S`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { deterministicId, OVERDUE_SCHEDULER_ACTOR } from '@causeway/application';
import { loadConfig } from '@causeway/config';
import {
  ACTION_ITEM_KINDS,
  ACTION_ITEM_PRIORITIES,
  actionItemStreamId,
  decideActionItem,
  decideIncident,
  evolveActionItem,
  evolveIncident,
  incidentStreamId,
  SEVERITIES,
  type ActionItemCommand,
  type ActionItemState,
  type IncidentStatus,
} from '@causeway/domain';
import { createCausewayApp, EVENT_STORE } from '@causeway/http';
import type { EventStore, NewEvent, StoredEvent } from '@causeway/event-store';
import { PostgresEventStore } from '@causeway/event-store-postgres';
import { SqliteEventStore } from '@causeway/event-store-sqlite';
import { createReadModelDataSource, Projector } from '@causeway/read-models';
import { startPostgres, type PostgresHarness } from '@causeway/testing';
import { FlagPairs, log, percentile, round, seededRandom, type Backend } from './support/cli';

interface BenchArgs {
  readonly backend: Backend;
  readonly items: number;
  readonly requests: number;
  readonly sameSecond: number;
  readonly incidents: number;
  readonly owners: number;
  readonly writers: number;
  readonly seed: number;
}

function parseArgs(argv: readonly string[]): BenchArgs {
  const flags = new FlagPairs(argv).only(['backend', 'items', 'requests', 'same-second', 'incidents', 'owners', 'writers', 'seed']);
  return {
    backend: flags.backend('backend', 'sqlite'),
    items: flags.int('items') ?? 1_000_000,
    requests: flags.int('requests') ?? 2000,
    sameSecond: flags.int('same-second') ?? 10_000,
    incidents: flags.int('incidents') ?? 5000,
    owners: flags.int('owners') ?? 2000,
    writers: flags.int('writers') ?? 64,
    seed: flags.int('seed') ?? 7,
  };
}

const ADMIN_KEY = 'bench-overdue-admin-key-0123456789abcdef';
const SCHEDULER_INTERVAL_MS = 1000;
const WARMUP_REQUESTS = 200;
const TEAMS = Array.from({ length: 40 }, (_, i) => `team-${i}`);
const SERVICES = ['checkout', 'search', 'auth', 'payments', 'catalog', 'shipping', 'notifications', 'billing', 'ledger', 'gateway'];
const TITLES = [
  'Add an alert on connection-pool saturation',
  'Write the runbook for replica lag in eu-west',
  'Roll out the retry budget to every client',
  'Load-test checkout at twice the peak',
  'Remove the manual step from the failover procedure',
  'Add a canary stage to the deploy pipeline',
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface SeedIncident {
  readonly id: string;
  readonly status: IncidentStatus;
}

/** What the checks need to know about the seeded data. */
interface SeedFacts {
  overdue: number;
  finished: number;
  future: number;
  /** The most overdue item (earliest due date among the overdue ones): the board's first line. */
  mostOverdue: { id: string; dueAt: number } | null;
}

const toNewEvent = (event: { type: string; data: { occurredAt: string } }, actor: string, id: string = uuidv7()): NewEvent => ({
  id,
  type: event.type,
  data: event.data as unknown as NewEvent['data'],
  metadata: { actor, occurredAt: event.data.occurredAt },
});

/** Decides `command` with the domain's decider, folds the state, and adds the events to `out`. */
function decideInto(out: NewEvent[], state: ActionItemState, command: ActionItemCommand, eventId?: (index: number) => string): ActionItemState {
  const decided = decideActionItem(command, state);
  if (decided.length === 0) throw new Error(`${command.type} decided nothing: the seed is wrong`);
  decided.forEach((event, index) => {
    out.push(toNewEvent(event, command.metadata.actor, eventId?.(index)));
    state = evolveActionItem(state, event);
  });
  return state;
}

/** Deterministic ids exactly as the scheduler's `markOverdue` makes them (seed `action-item-overdue:<id>:<dueAt>`, index 0). */
const overdueEventId = (actionItemId: string, dueAt: string) => (index: number) => deterministicId(`action-item-overdue:${actionItemId}:${dueAt}:${index}`);

async function seedIncidents(store: EventStore, args: BenchArgs, random: () => number, now: number): Promise<SeedIncident[]> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const incidents: SeedIncident[] = [];
  let next = 0;
  const work: { id: string; events: NewEvent[]; status: IncidentStatus }[] = [];
  for (let i = 0; i < args.incidents; i++) {
    const id = uuidv7();
    const at = new Date(now - 400 * DAY + Math.floor(random() * 399 * DAY)).toISOString();
    const service = pick(SERVICES);
    const decided = decideIncident(
      {
        type: 'DeclareIncident',
        metadata: { actor: 'bench', now: at },
        data: {
          incidentId: id,
          title: `${service} ${pick(['latency above SLO', 'elevated 5xx', 'outage', 'queue backlog'])}`,
          severity: pick(SEVERITIES),
          service,
          team: pick(TEAMS),
          labels: { region: pick(['eu', 'us', 'ap']) },
        },
      },
      null,
    );
    const state = decided.reduce(evolveIncident, null);
    if (state === null) throw new Error('declaring an incident left no state');
    work.push({ id, events: decided.map((event) => toNewEvent(event, 'bench')), status: state.status });
  }
  const writer = async (): Promise<void> => {
    while (next < work.length) {
      const { id, events, status } = work[next++];
      await store.append(incidentStreamId(id), events, { expectedVersion: 'no_stream' });
      incidents.push({ id, status });
    }
  };
  await Promise.all(Array.from({ length: args.writers }, writer));
  return incidents;
}

/** One action item's stream, decided command by command. `i % 10`: 0 overdue, 1–6 finished, 7–9 future. */
function itemEvents(
  i: number,
  args: BenchArgs,
  incidents: readonly SeedIncident[],
  random: () => number,
  now: number,
  facts: SeedFacts,
): { id: string; events: NewEvent[] } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (from: number, to: number) => from + Math.floor(random() * (to - from));
  const iso = (ms: number) => new Date(ms).toISOString();
  const id = uuidv7();
  const incident = pick(incidents);
  const kind = i % 10;
  // Every owner gets overdue items (round-robin over the overdue ones), the rest are random.
  const owner = kind === 0 ? `owner-${(i / 10) % args.owners}` : `owner-${Math.floor(random() * args.owners)}`;
  let dueAt: number;
  let createdAt: number;
  if (kind === 0) {
    dueAt = between(now - 60 * DAY, now - HOUR);
    createdAt = dueAt - between(DAY, 30 * DAY);
  } else if (kind <= 6) {
    dueAt = between(now - 365 * DAY, now - DAY);
    createdAt = dueAt - between(DAY, 30 * DAY);
  } else {
    dueAt = between(now + DAY, now + 90 * DAY);
    createdAt = now - between(HOUR, 30 * DAY);
  }
  const events: NewEvent[] = [];
  const person = (at: number) => ({ actor: `${owner}`, now: iso(at) });
  let state = decideInto(events, null, {
    type: 'CreateActionItem',
    metadata: { actor: `lead-${Math.floor(random() * 50)}`, now: iso(createdAt) },
    data: {
      actionItemId: id,
      incidentId: incident.id,
      incidentStatus: incident.status,
      title: pick(TITLES),
      owner,
      dueAt: iso(dueAt),
      priority: pick(ACTION_ITEM_PRIORITIES),
      kind: pick(ACTION_ITEM_KINDS),
      ...(random() < 0.3 ? { description: 'Follow-up from the incident review.' } : {}),
      ...(random() < 0.8 ? { team: pick(TEAMS) } : {}),
    },
  });
  const dueIso = iso(dueAt);
  const markOverdue = (at: number) => {
    state = decideInto(events, state, { type: 'MarkActionItemOverdue', metadata: { actor: OVERDUE_SCHEDULER_ACTOR, now: iso(at) }, data: { dueAt: dueIso } }, overdueEventId(id, dueIso));
  };
  if (kind === 0) {
    if (random() < 0.4) state = decideInto(events, state, { type: 'StartActionItem', metadata: person(between(createdAt, dueAt)), data: {} });
    markOverdue(dueAt + between(200, 1500));
    facts.overdue += 1;
    if (facts.mostOverdue === null || dueAt < facts.mostOverdue.dueAt) facts.mostOverdue = { id, dueAt };
  } else if (kind <= 6) {
    const roll = random();
    if (roll < 0.7) {
      state = decideInto(events, state, { type: 'CompleteActionItem', metadata: person(between(createdAt, dueAt)), data: {} });
    } else if (roll < 0.85) {
      // Done late: the scheduler marked it overdue first.
      markOverdue(dueAt + between(200, 1500));
      state = decideInto(events, state, { type: 'CompleteActionItem', metadata: person(Math.min(now - MINUTE, dueAt + between(HOUR, 20 * DAY))), data: { note: 'Done late' } });
    } else {
      state = decideInto(events, state, { type: 'CancelActionItem', metadata: person(between(createdAt, dueAt)), data: { reason: 'Superseded by the platform migration' } });
    }
    facts.finished += 1;
  } else {
    if (random() < 0.3) state = decideInto(events, state, { type: 'StartActionItem', metadata: person(between(createdAt, now)), data: {} });
    facts.future += 1;
  }
  if (state === null) throw new Error('an item stream folded to nothing');
  return { id, events };
}

async function seedItems(store: EventStore, args: BenchArgs, incidents: readonly SeedIncident[], random: () => number, now: number, facts: SeedFacts): Promise<number> {
  let next = 0;
  let done = 0;
  let events = 0;
  let reported = 0;
  const started = performance.now();
  const writer = async (): Promise<void> => {
    while (next < args.items) {
      const item = itemEvents(next++, args, incidents, random, now, facts);
      await store.append(actionItemStreamId(item.id), item.events, { expectedVersion: 'no_stream' });
      done += 1;
      events += item.events.length;
      if (done - reported >= 100_000) {
        reported = done;
        const seconds = (performance.now() - started) / 1000;
        log(`seeded ${done} items, ${events} events (${Math.round(done / seconds)} items/s, ${Math.round(events / seconds)} events/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: args.writers }, writer));
  return events;
}

interface Latencies {
  readonly owner: number[];
  readonly firstPage: number[];
}

interface BoardItem {
  readonly id: string;
  readonly owner: string;
  readonly status: string;
  readonly dueAt: string;
  readonly overdueBy: number;
  readonly incident: { readonly service: string } | null;
}

interface Board {
  readonly asOf: string;
  readonly items: BoardItem[];
  readonly nextCursor: string | null;
}

async function getBoard(url: string): Promise<{ board: Board; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return { board: JSON.parse(text) as Board, ms };
}

function checkOwnerPage(board: Board, owner: string): void {
  if (board.items.length === 0) throw new Error(`the overdue board of ${owner} is empty`);
  for (const item of board.items) {
    if (item.owner !== owner) throw new Error(`the board of ${owner} shows an item of ${item.owner}`);
    if (!(item.dueAt < board.asOf) || (item.status !== 'open' && item.status !== 'in_progress')) {
      throw new Error(`the board of ${owner} shows ${item.id} (${item.status}, due ${item.dueAt}) at ${board.asOf}`);
    }
    if (item.incident === null || !SERVICES.includes(item.incident.service)) throw new Error(`the board line of ${item.id} lacks its incident`);
  }
}

function checkFirstPage(board: Board, facts: SeedFacts): void {
  if (board.items.length === 0) throw new Error('the unfiltered overdue board is empty');
  for (let i = 1; i < board.items.length; i++) {
    const [before, item] = [board.items[i - 1], board.items[i]];
    if (before.dueAt > item.dueAt || before.overdueBy < item.overdueBy) {
      throw new Error(`the overdue board is not most overdue first: ${before.id} (due ${before.dueAt}) before ${item.id} (due ${item.dueAt})`);
    }
  }
  if (board.items.some((item) => item.incident === null)) throw new Error('a line of the unfiltered overdue board lacks its incident');
  if (facts.mostOverdue !== null && board.items[0].id !== facts.mostOverdue.id) {
    throw new Error(`the overdue board starts with ${board.items[0].id} (due ${board.items[0].dueAt}), not the most overdue item ${facts.mostOverdue.id}`);
  }
}

async function measureBoard(base: string, args: BenchArgs, facts: SeedFacts, random: () => number): Promise<Latencies> {
  const board = `${base}/api/v1/action-items/overdue`;
  const owner = () => `owner-${Math.floor(random() * args.owners)}`;
  const warmup = Math.min(WARMUP_REQUESTS, args.requests);
  log(`warming up (${warmup} requests of each kind) ...`);
  for (let i = 0; i < warmup; i++) {
    const who = owner();
    checkOwnerPage((await getBoard(`${board}?owner=${who}`)).board, who);
    checkFirstPage((await getBoard(board)).board, facts);
  }
  const latencies: Latencies = { owner: [], firstPage: [] };
  log(`measuring ${args.requests} sequential owner boards ...`);
  for (let i = 0; i < args.requests; i++) {
    const who = owner();
    const { board: page, ms } = await getBoard(`${board}?owner=${who}`);
    checkOwnerPage(page, who);
    latencies.owner.push(ms);
  }
  log(`measuring ${args.requests} sequential unfiltered first pages ...`);
  for (let i = 0; i < args.requests; i++) {
    const { board: page, ms } = await getBoard(board);
    checkFirstPage(page, facts);
    latencies.firstPage.push(ms);
  }
  return latencies;
}

interface SameSecondResult {
  readonly markedMs: number;
  readonly firstMarkMs: number;
  readonly dueAt: string;
}

/**
 * Appends `count` items due at one whole second T, waits until the projection has them (before T),
 * then follows the log until each has its overdue mark; checks no item is marked twice.
 */
async function sameSecond(store: EventStore, projector: Projector, args: BenchArgs, incidents: readonly SeedIncident[], itemsPerSec: number, random: () => number): Promise<SameSecondResult> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  // Far enough ahead that appending and projecting them ends before T: eight times as long as
  // seeding them took (live, each batch is projected into the full tables as it commits; 5–6 times
  // slower on SQLite with a million items), and 3 s more. The items then wait for T.
  const estimateMs = (args.sameSecond / Math.max(1, itemsPerSec)) * 1000 * 8;
  const due = Math.ceil((Date.now() + 3000 + estimateMs) / 1000) * 1000;
  const dueAt = new Date(due).toISOString();
  const ids = Array.from({ length: args.sameSecond }, () => uuidv7());
  const wanted = new Set(ids);
  const marks = new Map<string, number>();
  let total = 0;
  let firstRecorded = Number.POSITIVE_INFINITY;
  let lastRecorded = 0;
  let allMarked: () => void = () => undefined;
  const marked = new Promise<void>((resolve) => (allMarked = resolve));

  const head = await store.headPosition();
  const subscription = store.subscribe({ after: head, types: ['ActionItemBecameOverdue'] }, (events: readonly StoredEvent[]) => {
    for (const event of events) {
      const id = event.data['actionItemId'];
      if (typeof id !== 'string' || !wanted.has(id)) continue;
      total += 1;
      marks.set(id, (marks.get(id) ?? 0) + 1);
      if (event.data['dueAt'] !== dueAt) throw new Error(`${id} was marked for due date ${String(event.data['dueAt'])}, not ${dueAt}`);
      const recorded = Date.parse(event.recordedAt);
      firstRecorded = Math.min(firstRecorded, recorded);
      lastRecorded = Math.max(lastRecorded, recorded);
      if (marks.size === wanted.size) allMarked();
    }
  });
  try {
    log(`appending ${args.sameSecond} items due at ${dueAt} ...`);
    let next = 0;
    let lastPosition = 0;
    const writer = async (): Promise<void> => {
      while (next < ids.length) {
        const id = ids[next++];
        const incident = pick(incidents);
        const events: NewEvent[] = [];
        decideInto(events, null, {
          type: 'CreateActionItem',
          metadata: { actor: 'bench', now: new Date().toISOString() },
          data: {
            actionItemId: id,
            incidentId: incident.id,
            incidentStatus: incident.status,
            title: pick(TITLES),
            owner: `owner-${Math.floor(random() * args.owners)}`,
            dueAt,
            priority: pick(ACTION_ITEM_PRIORITIES),
            kind: pick(ACTION_ITEM_KINDS),
            team: pick(TEAMS),
          },
        });
        const result = await store.append(actionItemStreamId(id), events, { expectedVersion: 'no_stream' });
        lastPosition = Math.max(lastPosition, result.lastPosition);
      }
    };
    const appendStarted = performance.now();
    await Promise.all(Array.from({ length: args.writers }, writer));
    const appendedAt = performance.now();
    if (!(await projector.waitFor(lastPosition, 60_000))) throw new Error(`the projection did not reach position ${lastPosition} within 60 s`);
    const margin = due - Date.now();
    log(`appended in ${Math.round(appendedAt - appendStarted)} ms, projected ${Math.round(performance.now() - appendedAt)} ms later: ${margin} ms before they fall due`);
    if (margin < 100) throw new Error(`the items were projected only ${margin} ms before their due date: the measurement would not start at T`);
    if (total > 0) throw new Error(`${total} items were marked overdue before their due date`);

    const timeoutMs = 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`after ${timeoutMs / 1000} s past T only ${marks.size} of ${wanted.size} items were marked overdue`)), due - Date.now() + timeoutMs);
    });
    await Promise.race([marked, timedOut, subscription.done.then(() => Promise.reject(new Error('the log subscription ended')))]);
    clearTimeout(timer);
    log(`all ${wanted.size} marked ${lastRecorded - due} ms after T; watching two more scheduler intervals for duplicates ...`);
    await new Promise((resolve) => setTimeout(resolve, 2 * SCHEDULER_INTERVAL_MS + 500));
    const twice = [...marks.values()].filter((n) => n !== 1).length;
    if (total !== wanted.size || twice > 0) throw new Error(`${total} marks for ${wanted.size} items (${twice} items marked more than once)`);
    return { markedMs: lastRecorded - due, firstMarkMs: firstRecorded - due, dueAt };
  } finally {
    await subscription.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'causeway-overdue-bench-'));
  let server: PostgresHarness | null = null;
  let app: INestApplication | null = null;
  try {
    let databaseUrl: string | null = null;
    if (args.backend === 'postgres') {
      server = await startPostgres();
      log(`postgres ready (${server.embedded ? 'embedded' : 'DATABASE_URL'})`);
      databaseUrl = (await server.createDatabase()).url;
    }
    const seedStore: EventStore = databaseUrl !== null ? await PostgresEventStore.open({ connectionString: databaseUrl }) : SqliteEventStore.open({ file: join(dir, 'events.db') });
    const random = seededRandom(args.seed);
    const now = Date.now();
    const facts: SeedFacts = { overdue: 0, finished: 0, future: 0, mostOverdue: null };

    log(`seeding ${args.incidents} incidents and ${args.items} action items into a ${args.backend} log (${args.writers} writers) ...`);
    const seedStarted = performance.now();
    const incidents = await seedIncidents(seedStore, args, random, now);
    const itemEvents = await seedItems(seedStore, args, incidents, random, now, facts);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const events = await seedStore.headPosition();
    log(`seeded ${events} events in ${seedSeconds.toFixed(1)} s: ${facts.overdue} overdue, ${facts.finished} finished, ${facts.future} due later (${itemEvents} item events)`);
    if (facts.overdue < args.owners) log(`warning: ${facts.overdue} overdue items for ${args.owners} owners: some owners' boards will be empty`);

    log('projecting (Projector.rebuild) ...');
    const dataSource = await createReadModelDataSource(databaseUrl !== null ? { type: 'postgres', url: databaseUrl } : { type: 'sqlite', file: join(dir, 'read-models.db') });
    const rebuilt = await new Projector(seedStore, dataSource).rebuild();
    if (rebuilt.events !== events) throw new Error(`the rebuild applied ${rebuilt.events} events, the log holds ${events}`);
    const placeholder = databaseUrl !== null ? '$1' : '?';
    const [{ count }] = (await dataSource.query(`SELECT COUNT(*) AS count FROM action_items WHERE status IN ('open', 'in_progress') AND due_at < ${placeholder}`, [
      new Date().toISOString(),
    ])) as { count: string | number }[];
    if (Number(count) !== facts.overdue) throw new Error(`the read model holds ${count} overdue items, the seed made ${facts.overdue}`);
    log(`projected ${rebuilt.events} events in ${rebuilt.seconds.toFixed(1)} s (${Math.round(rebuilt.events / rebuilt.seconds)} events/s)`);
    await dataSource.destroy();
    await seedStore.close();

    log('starting the server ...');
    const config = loadConfig({
      CAUSEWAY_DATA_DIR: dir,
      CAUSEWAY_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      CAUSEWAY_LOG_LEVEL: 'warn',
      CAUSEWAY_SCHEDULER_INTERVAL_MS: String(SCHEDULER_INTERVAL_MS),
      ...(databaseUrl !== null ? { CAUSEWAY_STORE: 'postgres', DATABASE_URL: databaseUrl } : {}),
    });
    const started = performance.now();
    app = await createCausewayApp({ config });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    log(`listening on 127.0.0.1:${port} after ${Math.round(performance.now() - started)} ms`);
    const store = app.get<EventStore>(EVENT_STORE);
    const projector = app.get(Projector);

    const latencies = await measureBoard(`http://127.0.0.1:${port}`, args, facts, random);
    for (const list of [latencies.owner, latencies.firstPage]) list.sort((a, b) => a - b);
    log(`owner p95 ${round(percentile(latencies.owner, 95))} ms, first page p95 ${round(percentile(latencies.firstPage, 95))} ms`);

    const same = await sameSecond(store, projector, args, incidents, args.items / seedSeconds, random);

    await app.close();
    app = null;
    process.stdout.write(
      `${JSON.stringify({
        backend: args.backend,
        items: args.items,
        overdue: facts.overdue,
        incidents: args.incidents,
        owners: args.owners,
        events,
        requests: args.requests,
        ownerP50Ms: round(percentile(latencies.owner, 50)),
        ownerP95Ms: round(percentile(latencies.owner, 95)),
        ownerP99Ms: round(percentile(latencies.owner, 99)),
        firstPageP50Ms: round(percentile(latencies.firstPage, 50)),
        firstPageP95Ms: round(percentile(latencies.firstPage, 95)),
        firstPageP99Ms: round(percentile(latencies.firstPage, 99)),
        sameSecond: args.sameSecond,
        sameSecondFirstMarkMs: same.firstMarkMs,
        sameSecondMarkedMs: same.markedMs,
        seedSeconds: round(seedSeconds, 1),
        projectSeconds: round(rebuilt.seconds, 1),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      })}\n`,
    );
  } finally {
    await (app as INestApplication | null)?.close();
    await (server as PostgresHarness | null)?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
