import { join } from 'node:path';
import { useServerProcesses } from './support/server-process';

const ADMIN = 'split-services-admin-key-0123456789';
const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** One incident's life, spread over the given API processes; returns what a client would see. */
async function scenario(apis: readonly string[]) {
  const at = (i: number) => apis[i % apis.length];
  const declared = await call(at(0), 'POST', '/incidents', { title: 'Split brain?', severity: 'SEV3', service: 'checkout', team: 'payments' });
  expect(declared.status).toBe(201);
  const id = declared.body['id'] as string;
  const steps: [string, unknown][] = [
    ['acknowledge', {}],
    ['severity', { severity: 'SEV1', reason: 'worse' }],
    ['escalate', { reason: 'need dba', toTeam: 'dba' }],
    ['notes', { text: 'looking at the index', occurredAt: '2026-11-21T09:00:00Z' }],
    ['status', { status: 'identified' }],
    ['resolve', { resolution: 'rebuilt' }],
  ];
  for (const [i, [path, body]] of steps.entries()) {
    const answer = await call(at(i + 1), 'POST', `/incidents/${id}/${path}`, body);
    expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    // Read-your-writes across replicas: the next process already sees the command.
    const seen = await call(at(i + 2), 'GET', `/incidents/${id}`);
    expect(seen.body['version']).toBe(answer.body['version']);
  }
  const incident = (await call(at(0), 'GET', `/incidents/${id}`)).body;
  const timeline = (await call(at(1), 'GET', `/incidents/${id}/timeline`)).body['items'] as { type: string; summary: string }[];
  const { id: _id, declaredAt: _d, detectedAt: _t, acknowledgedAt, mitigatedAt, resolvedAt, ...stable } = incident;
  return {
    id,
    incident: { ...stable, acknowledged: acknowledgedAt !== null, mitigated: mitigatedAt !== null, resolved: resolvedAt !== null },
    timeline: timeline.map((entry) => ({ type: entry.type, summary: entry.summary })),
  };
}

describe('Split services on PostgreSQL: two api processes and a projector', () => {
  const servers = useServerProcesses('split', ADMIN);
  const spawnApp = (app: 'server' | 'api' | 'projector', env: Record<string, string>) => servers.spawn(env, app);

  it('serves the same results as the all-in-one, and a second projector takes over', async () => {
    const pgEnv = { CAUSEWAY_STORE: 'postgres', DATABASE_URL: servers.pg.url, CAUSEWAY_DATA_DIR: servers.dataDir };
    const projector = await spawnApp('projector', pgEnv);
    const api1 = await spawnApp('api', pgEnv);
    const api2 = await spawnApp('api', pgEnv);
    const split = await scenario([api1.baseUrl, api2.baseUrl]);

    const allInOne = await spawnApp('server', { CAUSEWAY_DATA_DIR: join(servers.dataDir, 'embedded') });
    const embedded = await scenario([allInOne.baseUrl]);
    expect(split.incident).toEqual(embedded.incident);
    expect(split.timeline).toEqual(embedded.timeline);

    // Failover: a standby projector takes over when the leader dies mid-flight.
    const standby = await spawnApp('projector', pgEnv);
    projector.child.kill('SIGKILL');
    await projector.exited;
    const after = await call(api1.baseUrl, 'POST', `/incidents/${split.id}/notes`, { text: 'after failover' });
    expect(after.status).toBe(200);
    const timeline = (await call(api2.baseUrl, 'GET', `/incidents/${split.id}/timeline?limit=200`)).body['items'] as { summary: string }[];
    expect(timeline.filter((e) => e.summary.includes('after failover'))).toHaveLength(1);
    const verify = await call(api2.baseUrl, 'GET', '/audit/verify');
    expect(verify.body).toMatchObject({ ok: true });
    expect(standby.child.exitCode).toBeNull();
  });
});
