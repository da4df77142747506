/**
 * Drives a real server process from this (second) process with autocannon: a mix of declare / note
 * / escalate commands at N concurrent connections. Prints one JSON line on stdout; progress on stderr.
 *
 *   npm run bench:http -- --connections 32 --seconds 20
 */
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log } from './support/cli';

const root = join(__dirname, '..');
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '20' },
    incidents: { type: 'string', default: '500' },
    port: { type: 'string', default: '3917' },
    /** Extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it. */
    'node-args': { type: 'string', default: '' },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const port = Number(values.port);
const ADMIN = 'bench-admin-key-0123456789abcdef';
const base = `http://127.0.0.1:${port}`;
const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

async function waitReady(started: number): Promise<number> {
  for (;;) {
    try {
      const response = await fetch(`${base}/health/ready`);
      if (response.ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) throw new Error('server not ready after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function main(): Promise<void> {
  log('building…');
  execFileSync(process.execPath, [join(root, 'tools', 'build.js')], { cwd: root, stdio: 'ignore' });
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-bench-http-'));
  const started = Date.now();
  const server = spawn(process.execPath, [...values['node-args'].split(' ').filter(Boolean), join(root, 'dist/apps/server/src/main.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CAUSEWAY_DATA_DIR: dataDir, CAUSEWAY_BOOTSTRAP_ADMIN_KEY: ADMIN, CAUSEWAY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const startToReadyMs = await waitReady(started);
    log(`ready in ${startToReadyMs} ms; declaring ${values.incidents} incidents…`);
    const ids: string[] = [];
    for (let i = 0; i < Number(values.incidents); i++) {
      const response = await fetch(`${base}/api/v1/incidents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: `Seed ${i}`, severity: 'SEV3', service: `svc-${i % 20}` }),
      });
      ids.push(((await response.json()) as { id: string }).id);
    }
    const pick = () => ids[Math.floor(Math.random() * ids.length)];
    let peakRss = rssMb(server.pid!);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(server.pid!))), 250);

    log(`running ${seconds}s at ${connections} connections…`);
    const result = await autocannon({
      url: base,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          headers,
          setupRequest: (request) => {
            const roll = Math.random();
            if (roll < 0.2) {
              return { ...request, path: '/api/v1/incidents', body: JSON.stringify({ title: 'Bench incident', severity: 'SEV2', service: 'bench' }) };
            }
            if (roll < 0.85) {
              return { ...request, path: `/api/v1/incidents/${pick()}/notes`, body: JSON.stringify({ text: 'Bench note with a little text in it' }) };
            }
            return { ...request, path: `/api/v1/incidents/${pick()}/escalate`, body: JSON.stringify({ reason: 'bench escalation' }) };
          },
        },
      ],
    });
    clearInterval(sampler);
    const commands = result.requests.total;
    process.stdout.write(
      `${JSON.stringify({
        backend: 'sqlite',
        connections,
        seconds: result.duration,
        mix: { declare: 0.2, note: 0.65, escalate: 0.15 },
        commands,
        commandsPerSec: Math.round(commands / result.duration),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        peakRssMb: peakRss,
        startToReadyMs,
      })}\n`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
