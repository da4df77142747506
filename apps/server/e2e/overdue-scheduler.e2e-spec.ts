import { eventually } from '@causeway/testing';
import { join } from 'node:path';
import { useServerProcesses } from './support/server-process';

const ADMIN = 'overdue-scheduler-admin-key-0123456789';
const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };
/** The scheduler of a process started with this interval ticks once, at start-up, during a test. */
const ONE_HOUR_MS = '3600000';

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Every `ActionItemBecameOverdue` in the log, read through the audit export. */
async function overdueEvents(base: string): Promise<{ streamId: string; id: string; data: { dueAt: string } }[]> {
  const response = await fetch(`${base}/api/v1/audit/export`, { headers });
  const lines = (await response.text()).split('\n').filter((line) => line.length > 0);
  return lines.map((line) => JSON.parse(line) as { type: string; streamId: string; id: string; data: { dueAt: string } }).filter((event) => event.type === 'ActionItemBecameOverdue');
}

async function declare(base: string): Promise<string> {
  const declared = await call(base, 'POST', '/incidents', { title: 'Queue backlog', severity: 'SEV2', service: 'billing' });
  expect(declared.status).toBe(201);
  return declared.body['id'] as string;
}

async function createItem(base: string, incidentId: string, dueAt: string, owner = 'bob'): Promise<string> {
  const created = await call(base, 'POST', `/incidents/${incidentId}/action-items`, { title: 'Drain the queue', owner, dueAt, priority: 'P2', kind: 'mitigation' });
  expect(created.status).toBe(201);
  expect(created.body['overdue']).toBe(Date.parse(dueAt) < Date.now());
  return created.body['id'] as string;
}

const hoursAgo = (hours: number) => new Date(Math.floor(Date.now() / 1000) * 1000 - hours * 3_600_000).toISOString();

describe('Overdue scheduler across processes', () => {
  const servers = useServerProcesses('overdue', ADMIN);
  const spawnServer = (env: Record<string, string>) => servers.spawn(env);

  it('two server processes on one PostgreSQL database, both scheduling, record exactly one overdue event per item', async () => {
    const database = await servers.pg.createDatabase();
    const env = { CAUSEWAY_STORE: 'postgres', DATABASE_URL: database.url, CAUSEWAY_DATA_DIR: join(servers.dataDir, 'racing'), CAUSEWAY_SCHEDULER_INTERVAL_MS: '20' };
    const [a, b] = [await spawnServer(env), await spawnServer(env)];
    const incidentId = await declare(a.baseUrl);
    const items: string[] = [];
    for (let i = 0; i < 150; i++) items.push(await createItem(i % 2 === 0 ? a.baseUrl : b.baseUrl, incidentId, hoursAgo(1 + (i % 3)), `owner${i % 4}`));

    const marked = await eventually('every item marked overdue', async () => {
      const events = await overdueEvents(b.baseUrl);
      return events.length >= items.length ? events : undefined;
    }, 30_000);
    // Give the slower scheduler every chance to add a duplicate, then count again: each of its ticks
    // offers nothing, or marks that the decider and the deterministic event ids turn into no-ops.
    const incident = await eventually('both processes see the marks in their counts', async () => {
      const seen = await Promise.all([a, b].map((p) => call(p.baseUrl, 'GET', `/incidents/${incidentId}`)));
      return seen.every((s) => s.body['overdueActionItems'] === items.length) ? seen[0].body : undefined;
    });
    expect(incident['openActionItems']).toBe(items.length);
    const final = await overdueEvents(a.baseUrl);
    expect(final).toHaveLength(items.length);
    expect(new Set(final.map((event) => event.streamId))).toEqual(new Set(items.map((id) => `action-item-${id}`)));
    expect(new Set(final.map((event) => event.id)).size).toBe(items.length);
    expect(marked.length).toBe(items.length);
    expect((await call(a.baseUrl, 'GET', '/audit/verify')).body).toMatchObject({ ok: true });
  }, 60_000);

  it.each(['sqlite', 'postgres'] as const)(
    'a restart between the due date and the next tick loses nothing and duplicates nothing (%s)',
    async (backend) => {
      const database = backend === 'postgres' ? await servers.pg.createDatabase() : null;
      const env = {
        CAUSEWAY_DATA_DIR: join(servers.dataDir, `restart-${backend}`),
        ...(database ? { CAUSEWAY_STORE: 'postgres', DATABASE_URL: database.url } : {}),
      };
      // First process: its scheduler ticked at start-up, before the item existed, and is an hour from the next tick.
      const first = await spawnServer({ ...env, CAUSEWAY_SCHEDULER_INTERVAL_MS: ONE_HOUR_MS });
      const incidentId = await declare(first.baseUrl);
      const dueAt = hoursAgo(2);
      const item = await createItem(first.baseUrl, incidentId, dueAt);
      expect(await overdueEvents(first.baseUrl)).toHaveLength(0);
      first.child.kill('SIGKILL');
      await first.exited;

      // The next process marks it on its start-up tick.
      const second = await spawnServer({ ...env, CAUSEWAY_SCHEDULER_INTERVAL_MS: ONE_HOUR_MS });
      const marked = await eventually('the item marked after the restart', async () => {
        const events = await overdueEvents(second.baseUrl);
        return events.length > 0 ? events : undefined;
      });
      expect(marked.map((event) => [event.streamId, event.data.dueAt])).toEqual([[`action-item-${item}`, dueAt]]);
      second.child.kill('SIGTERM');
      await second.exited;

      // A third process ticking often: it marks a new item (so its ticks demonstrably ran) and never the first again.
      const third = await spawnServer({ ...env, CAUSEWAY_SCHEDULER_INTERVAL_MS: '20' });
      const another = await createItem(third.baseUrl, incidentId, hoursAgo(1));
      const events = await eventually('the new item marked', async () => {
        const all = await overdueEvents(third.baseUrl);
        return all.some((event) => event.streamId === `action-item-${another}`) ? all : undefined;
      });
      expect(events.map((event) => event.streamId)).toEqual([`action-item-${item}`, `action-item-${another}`]);
      third.child.kill('SIGTERM');
      await third.exited;
    },
    60_000,
  );
});
