/**
 * Projection lag: the time from an append to the read model showing it (the checkpoint reaching
 * the event's position), at a steady append rate.
 *
 *   node -r @swc-node/register bench/lag.bench.ts --backend postgres --rate 1000 --seconds 20
 *
 * Appends single-event notes to 500 pre-declared incidents open-loop at `--rate` events/s (an
 * append is started on schedule whether or not earlier ones finished) and, for every append,
 * measures from the moment the append was started until:
 * - `lag`: the leader projector (this process) has committed a batch containing the event;
 * - `followerLag`: a follower projector on its own pool (what a separate API process has) sees
 *   that checkpoint, through the leader's NOTIFY.
 * Both include the append itself (reported separately as `append`). The log is the PostgreSQL
 * event store for `--backend postgres` (`--log sqlite` for a SQLite log); the first 3 s warm up
 * and are not counted. PostgreSQL comes from DATABASE_URL, or a private embedded server.
 *
 * One JSON line on stdout; progress on stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import type { EventStore, NewEvent } from '@causeway/event-store';
import { PostgresEventStore } from '@causeway/event-store-postgres';
import { SqliteEventStore } from '@causeway/event-store-sqlite';
import { createReadModelDataSource, Projector, type ReadModelDataSourceOptions } from '@causeway/read-models';
import { startPostgres, type PostgresHarness } from '@causeway/testing';
import { FlagPairs, log, percentile, round, type Backend } from './support/cli';

interface BenchArgs {
  readonly backend: Backend;
  readonly log: Backend;
  readonly rate: number;
  readonly seconds: number;
}

const WARMUP_SECONDS = 3;
const INCIDENTS = 500;
const TICK_MS = 5;
const WAIT_MS = 10_000;

function parseArgs(argv: readonly string[]): BenchArgs {
  const flags = new FlagPairs(argv);
  const backend = flags.backend('backend', 'postgres');
  return { backend, log: flags.backend('log', backend), rate: flags.int('rate') ?? 1000, seconds: flags.int('seconds') ?? 20 };
}

function noteEvent(incidentId: string, sequence: number): NewEvent {
  const occurredAt = new Date().toISOString();
  return {
    id: uuidv7(),
    type: 'IncidentNoteAdded',
    data: { incidentId, text: `Status update ${sequence}: error rate falling after the rollback.`, occurredAt },
    metadata: { actor: 'bench', occurredAt },
  };
}

function declaredEvent(incidentId: string, index: number): NewEvent {
  const occurredAt = new Date().toISOString();
  return {
    id: uuidv7(),
    type: 'IncidentDeclared',
    data: {
      incidentId,
      title: `Bench incident ${index}`,
      severity: 'SEV3',
      service: 'checkout',
      team: null,
      vendorSite: null,
      summary: null,
      commander: null,
      detectedAt: occurredAt,
      labels: {},
      occurredAt,
    },
    metadata: { actor: 'bench', occurredAt },
  };
}

interface Samples {
  readonly lag: number[];
  readonly followerLag: number[];
  readonly append: number[];
  timeouts: number;
}

/** Appends at `rate` events/s for `seconds`; records samples once `measureFrom` (ms) has passed. */
async function drive(store: EventStore, leader: Projector, follower: Projector, ids: readonly string[], args: BenchArgs, samples: Samples): Promise<number> {
  const totalMs = (WARMUP_SECONDS + args.seconds) * 1000;
  const measureFrom = WARMUP_SECONDS * 1000;
  const inFlight = new Set<Promise<void>>();
  let issued = 0;
  const started = performance.now();

  const one = async (sequence: number, measured: boolean): Promise<void> => {
    const t0 = performance.now();
    const incidentId = ids[sequence % ids.length];
    const result = await store.append(`incident-${incidentId}`, [noteEvent(incidentId, sequence)], { expectedVersion: 'any' });
    const appended = performance.now();
    const [seen, seenByFollower] = await Promise.all([
      leader.waitFor(result.lastPosition, WAIT_MS).then((ok) => ({ ok, at: performance.now() })),
      follower.waitFor(result.lastPosition, WAIT_MS).then((ok) => ({ ok, at: performance.now() })),
    ]);
    if (!measured) return;
    if (!seen.ok || !seenByFollower.ok) samples.timeouts += 1;
    samples.append.push(appended - t0);
    samples.lag.push(seen.at - t0);
    samples.followerLag.push(seenByFollower.at - t0);
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.floor((Math.min(elapsed, totalMs) * args.rate) / 1000);
      while (issued < due) {
        const run = one(issued, elapsed >= measureFrom);
        issued += 1;
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run));
      }
      if (elapsed >= totalMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await Promise.all(inFlight);
  return issued;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.backend !== 'postgres') log('note: with SQLite read models the follower reads the checkpoint by polling (no NOTIFY)');
  const dir = mkdtempSync(join(tmpdir(), 'causeway-lag-bench-'));
  let server: PostgresHarness | null = null;
  const postgres = async (): Promise<PostgresHarness> => (server ??= await startPostgres());
  try {
    const store: EventStore =
      args.log === 'postgres'
        ? await PostgresEventStore.open({ connectionString: (await (await postgres()).createDatabase()).url })
        : SqliteEventStore.open({ file: join(dir, 'events.db') });
    const readModels: ReadModelDataSourceOptions =
      args.backend === 'postgres'
        ? { type: 'postgres', url: (await (await postgres()).createDatabase()).url }
        : { type: 'sqlite', file: join(dir, 'read-models.db') };
    const leaderSource = await createReadModelDataSource(readModels);
    const followerSource = await createReadModelDataSource(readModels);
    const leader = new Projector(store, leaderSource);
    const follower = new Projector(store, followerSource, undefined, { role: 'follower' });
    await leader.start();
    await follower.start();
    if (!leader.isLeader()) throw new Error('the leader projector did not win the election');

    const ids = Array.from({ length: INCIDENTS }, () => uuidv7());
    let last = 0;
    for (const [index, id] of ids.entries()) {
      last = (await store.append(`incident-${id}`, [declaredEvent(id, index)], { expectedVersion: 'no_stream' })).lastPosition;
    }
    await leader.waitFor(last, WAIT_MS);
    log(`${INCIDENTS} incidents declared; appending at ${args.rate}/s for ${WARMUP_SECONDS} s warm-up + ${args.seconds} s ...`);

    const samples: Samples = { lag: [], followerLag: [], append: [], timeouts: 0 };
    const issued = await drive(store, leader, follower, ids, args, samples);
    log(`${issued} appends, ${samples.lag.length} measured, ${samples.timeouts} timed out`);

    await follower.stop();
    await leader.stop();
    await store.close();
    await followerSource.destroy();
    await leaderSource.destroy();

    for (const list of [samples.lag, samples.followerLag, samples.append]) list.sort((a, b) => a - b);
    process.stdout.write(
      `${JSON.stringify({
        backend: args.backend,
        log: args.log,
        rate: args.rate,
        seconds: args.seconds,
        events: samples.lag.length,
        lagP50Ms: round(percentile(samples.lag, 50)),
        lagP99Ms: round(percentile(samples.lag, 99)),
        followerLagP50Ms: round(percentile(samples.followerLag, 50)),
        followerLagP99Ms: round(percentile(samples.followerLag, 99)),
        appendP50Ms: round(percentile(samples.append, 50)),
        appendP99Ms: round(percentile(samples.append, 99)),
        timeouts: samples.timeouts,
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
