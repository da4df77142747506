import { BACKENDS, startTestApp, type TestApp } from './support/test-app';

const HOUR_MS = 3_600_000;

/** A due date `hours` from now, at whole seconds. */
function inHours(hours: number): string {
  return new Date(Math.floor((Date.now() + hours * HOUR_MS) / 1000) * 1000).toISOString();
}

interface BoardItem {
  id: string;
  owner: string;
  dueAt: string;
  overdueBy: number;
  status: string;
}

describe.each(BACKENDS)('Action-item lists and the overdue board (real Nest app on %s)', (backend) => {
  let t: TestApp;
  let checkout: string;
  let search: string;
  const item: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp(backend);
    checkout = (await t.declare({ severity: 'SEV1', service: 'checkout' })).id;
    search = (await t.declare({ severity: 'SEV3', service: 'search' })).id;
    const create = async (name: string, incidentId: string, body: Record<string, unknown>) => {
      const response = await t.http
        .post(`/api/v1/incidents/${incidentId}/action-items`)
        .set(t.auth())
        .send({ title: `${name} follow-up`, priority: 'P2', kind: 'corrective', ...body })
        .expect(201);
      item[name] = response.body.id as string;
    };
    await create('oldest', checkout, { owner: 'bob', dueAt: inHours(-30), team: 'payments', priority: 'P1' });
    await create('middle', search, { owner: 'carol', dueAt: inHours(-20) });
    await create('recent', checkout, { owner: 'bob', dueAt: inHours(-1), team: 'payments' });
    await create('future', checkout, { owner: 'bob', dueAt: inHours(48) });
    await create('done', search, { owner: 'carol', dueAt: inHours(-40) });
    await t.http.post(`/api/v1/action-items/${item['done']}/complete`).set(t.auth()).send({}).expect(200);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, key?: string) => t.http.get(`/api/v1${path}`).set(t.auth(key));
  const ids = (items: { id: string }[]) => items.map((entry) => entry.id);

  it('lists the overdue board most overdue first, with overdueBy in seconds and the moment it describes', async () => {
    const before = Date.now();
    const response = await get('/action-items/overdue').expect(200);
    const items = response.body.items as BoardItem[];
    expect(ids(items)).toEqual([item['oldest'], item['middle'], item['recent']]);
    const asOf = Date.parse(response.body.asOf as string);
    expect(asOf).toBeGreaterThanOrEqual(before - 1000);
    for (const entry of items) expect(entry.overdueBy).toBe(Math.floor((asOf - Date.parse(entry.dueAt)) / 1000));
    expect(items[0]).toMatchObject({
      owner: 'bob',
      team: 'payments',
      priority: 'P1',
      status: 'open',
      incidentId: checkout,
      incident: { service: 'checkout', severity: 'SEV1', title: 'Checkout latency above 2 s' },
    });
    expect(response.body.nextCursor).toBeNull();
  });

  it('filters the board by owner, team, service and severity, and pages it', async () => {
    expect(ids((await get('/action-items/overdue?owner=bob').expect(200)).body.items)).toEqual([item['oldest'], item['recent']]);
    expect(ids((await get('/action-items/overdue?team=payments').expect(200)).body.items)).toEqual([item['oldest'], item['recent']]);
    expect(ids((await get('/action-items/overdue?service=search').expect(200)).body.items)).toEqual([item['middle']]);
    expect(ids((await get('/action-items/overdue?severity=SEV1').expect(200)).body.items)).toEqual([item['oldest'], item['recent']]);
    const first = await get('/action-items/overdue?limit=2').expect(200);
    expect(ids(first.body.items)).toEqual([item['oldest'], item['middle']]);
    const second = await get(`/action-items/overdue?limit=2&cursor=${first.body.nextCursor as string}`).expect(200);
    expect(ids(second.body.items)).toEqual([item['recent']]);
  });

  it('answers asOf= from the log: before the items existed the board was empty; an hour ago the newest was not yet due', async () => {
    const early = await get(`/action-items/overdue?asOf=${encodeURIComponent(inHours(-50))}`).expect(200);
    expect(early.body).toMatchObject({ items: [], asOf: inHours(-50) });
    // The log recorded the items only now; a moment before that, nothing was on the board, whatever the due dates.
    const now = await get(`/action-items/overdue?asOf=${encodeURIComponent(new Date().toISOString())}`).expect(200);
    expect(ids(now.body.items)).toEqual([item['oldest'], item['middle'], item['recent']]);
  });

  it('lists action items with filters, soonest due first', async () => {
    expect(ids((await get('/action-items').expect(200)).body.items)).toEqual([item['done'], item['oldest'], item['middle'], item['recent'], item['future']]);
    expect(ids((await get('/action-items?overdue=true').expect(200)).body.items)).toEqual([item['oldest'], item['middle'], item['recent']]);
    expect(ids((await get('/action-items?overdue=false').expect(200)).body.items)).toEqual([item['done'], item['future']]);
    expect(ids((await get(`/action-items?incidentId=${search}`).expect(200)).body.items)).toEqual([item['done'], item['middle']]);
    expect(ids((await get('/action-items?status=done').expect(200)).body.items)).toEqual([item['done']]);
    expect(ids((await get('/action-items?priority=P1&owner=bob').expect(200)).body.items)).toEqual([item['oldest']]);
    expect(ids((await get(`/action-items?dueBefore=${encodeURIComponent(inHours(-10))}`).expect(200)).body.items)).toEqual([
      item['done'],
      item['oldest'],
      item['middle'],
    ]);
    const listed = (await get('/action-items?owner=bob&limit=1').expect(200)).body;
    expect(listed.items[0]).toMatchObject({ id: item['oldest'], overdue: true, overdueSince: expect.any(String), version: expect.any(Number) });
    expect(listed.nextCursor).toEqual(expect.any(String));
  });

  it('shows open and overdue action-item counts on the incident and in the incident list', async () => {
    const incident = (await get(`/incidents/${checkout}`).expect(200)).body;
    expect(incident).toMatchObject({ openActionItems: 3, overdueActionItems: 2 });
    const other = (await get(`/incidents/${search}`).expect(200)).body;
    expect(other).toMatchObject({ openActionItems: 1, overdueActionItems: 1 });
    const listed = (await get('/incidents').expect(200)).body.items as { id: string; openActionItems: number; overdueActionItems: number }[];
    expect(listed.find((entry) => entry.id === checkout)).toMatchObject({ openActionItems: 3, overdueActionItems: 2 });
    // Completing an item changes the counts at once (read-your-writes through the projection).
    await t.http.post(`/api/v1/action-items/${item['recent']}/complete`).set(t.auth()).send({}).expect(200);
    expect((await get(`/incidents/${checkout}`).expect(200)).body).toMatchObject({ openActionItems: 2, overdueActionItems: 1 });
    await t.http.post(`/api/v1/action-items/${item['recent']}/reopen`).set(t.auth()).send({ reason: 'not fixed' }).expect(200);
  });

  it('lets every role read the board', async () => {
    const stakeholder = await t.keyFor('stakeholder');
    const auditor = await t.keyFor('auditor');
    await get('/action-items/overdue', stakeholder).expect(200);
    await get('/action-items', auditor).expect(200);
    await t.http.get('/api/v1/action-items/overdue').expect(401);
  });

  it.each([
    ['/action-items/overdue?severity=SEV9', 'severity'],
    ['/action-items/overdue?owner=Not%20An%20Owner', 'owner'],
    ['/action-items/overdue?asOf=yesterday', 'asOf'],
    ['/action-items/overdue?asOf=2026-01-01T10:00:00', 'asOf'],
    [`/action-items/overdue?asOf=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`, 'asOf'],
    ['/action-items/overdue?limit=0', 'limit'],
    ['/action-items/overdue?cursor=not-a-cursor', 'cursor'],
    ['/action-items?status=closed', 'status'],
    ['/action-items?priority=P5', 'priority'],
    ['/action-items?overdue=maybe', 'overdue'],
    ['/action-items?incidentId=42', 'incidentId'],
    ['/action-items?dueBefore=tomorrow', 'dueBefore'],
    ['/action-items?owner=UPPER', 'owner'],
    ['/action-items?unknown=1', 'unknown'],
  ])('refuses %s with a 400 naming %s', async (path, field) => {
    const response = await get(path).expect(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((response.body.errors as { field: string }[]).map((error) => error.field)).toContain(field);
  });

  it('refuses a board cursor on the list (and the reverse)', async () => {
    const board = await get('/action-items/overdue?limit=1').expect(200);
    const refused = await get(`/action-items?cursor=${board.body.nextCursor as string}`).expect(400);
    expect((refused.body.errors as { field: string }[])[0].field).toBe('cursor');
  });
});
