import { startPostgres, type PostgresHarness } from '@causeway/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');
const mainOf = (app: string) => join(root, 'dist', 'apps', app, 'src', 'main.js');

/** Builds the server once per test file, as `npm start` does. */
export function buildServer(): void {
  execFileSync(process.execPath, [join(root, 'tools', 'build.js')], { cwd: root, stdio: 'pipe' });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<number | string>;
}

/**
 * Spawns the real server process (port 0: the OS picks one) and resolves once it printed that it
 * listens, which it does only after the projector caught up and the store answered.
 */
export function startServer(env: Record<string, string>, app: 'server' | 'api' | 'projector' = 'server'): Promise<ServerProcess> {
  const child = spawn(process.execPath, [mainOf(app)], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', CAUSEWAY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (match) resolve({ child, baseUrl: match[1].replace('localhost', '127.0.0.1'), stdout: () => out, exited });
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${out}\n${err}`)));
  });
}

/** Kills (SIGKILL) every process of the list still running and waits for each to exit. */
export async function killAll(processes: readonly ServerProcess[]): Promise<void> {
  for (const p of processes) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
}

export interface ServerProcesses {
  /** The suite's PostgreSQL (available from `beforeAll` on). */
  readonly pg: PostgresHarness;
  /** A fresh temporary directory for the suite's data dirs. */
  readonly dataDir: string;
  /** Starts a server process with the suite's bootstrap admin key; it is killed after the suite. */
  spawn(env: Record<string, string>, app?: 'server' | 'api' | 'projector'): Promise<ServerProcess>;
}

/**
 * The harness of a suite of spawned server processes, registered as `beforeAll`/`afterAll`:
 * builds the server, starts PostgreSQL and creates a temporary directory (`causeway-<name>-…`);
 * afterwards kills every process it spawned, stops PostgreSQL and removes the directory.
 */
export function useServerProcesses(name: string, adminKey: string): ServerProcesses {
  let pg: PostgresHarness | undefined;
  let dataDir: string | undefined;
  const processes: ServerProcess[] = [];
  beforeAll(async () => {
    buildServer();
    pg = await startPostgres();
    dataDir = mkdtempSync(join(tmpdir(), `causeway-${name}-`));
  });
  afterAll(async () => {
    await killAll(processes);
    await pg?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is set up in beforeAll`);
    return value;
  };
  return {
    get pg() {
      return ready(pg, 'pg');
    },
    get dataDir() {
      return ready(dataDir, 'dataDir');
    },
    async spawn(env, app = 'server') {
      const started = await startServer({ CAUSEWAY_BOOTSTRAP_ADMIN_KEY: adminKey, ...env }, app);
      processes.push(started);
      return started;
    },
  };
}
