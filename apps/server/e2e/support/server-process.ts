import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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
