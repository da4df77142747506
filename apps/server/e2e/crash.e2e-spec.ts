import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, startServer, type ServerProcess } from './support/server-process';

const ADMIN = 'crash-test-admin-key-0123456789';
const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };

async function post(baseUrl: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('A spawned server killed with SIGKILL mid-burst', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(() => {
    buildServer();
    dataDir = mkdtempSync(join(tmpdir(), 'causeway-crash-'));
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged command', async () => {
    const env = { CAUSEWAY_DATA_DIR: dataDir, CAUSEWAY_BOOTSTRAP_ADMIN_KEY: ADMIN };
    server = await startServer(env);
    const declared = await post(server.baseUrl, '/incidents', { title: 'Crash test', severity: 'SEV2', service: 'crash' });
    expect(declared.status).toBe(201);
    const { id } = (await declared.json()) as { id: string };

    const acknowledged: string[] = [];
    let killed = false;
    let resolveEnough: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (resolveEnough = resolve));
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const text = `writer ${w} note ${i}`;
        try {
          const response = await post(server!.baseUrl, `/incidents/${id}/notes`, { text });
          if (response.status === 200) acknowledged.push(text);
          if (acknowledged.length >= 300) resolveEnough();
        } catch {
          return; // connection refused / reset: the process is gone
        }
      }
    };
    const writers = Array.from({ length: 16 }, (_, w) => writer(w));
    await enough;
    server.child.kill('SIGKILL');
    killed = true;
    expect(await server.exited).toBe('SIGKILL');
    await Promise.all(writers);
    const acknowledgedAtKill = [...acknowledged];

    server = await startServer(env);
    const events = await fetch(`${server.baseUrl}/api/v1/incidents/${id}/events`, { headers });
    const { items } = (await events.json()) as { items: { type: string; data: { text?: string } }[] };
    const stored = items.filter((e) => e.type === 'IncidentNoteAdded').map((e) => e.data.text);
    expect(stored.length).toBe(new Set(stored).size);
    const missing = acknowledgedAtKill.filter((text) => !stored.includes(text));
    expect(missing).toEqual([]);
    const verify = await fetch(`${server.baseUrl}/api/v1/audit/verify`, { headers });
    expect(await verify.json()).toMatchObject({ ok: true, firstBrokenPosition: null });
    // The read model caught up with everything in the log, too.
    const incident = await fetch(`${server.baseUrl}/api/v1/incidents/${id}`, { headers });
    expect(((await incident.json()) as { version: number }).version).toBe(items.length);
    server.child.kill('SIGTERM');
    await server.exited;
  });
});
