import { ADMIN_KEY, BACKENDS, startTestApp, type TestApp } from './support/test-app';

describe.each(BACKENDS)('Incidents API (real Nest app on %s)', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs one incident from declaration to close, with ETags and a timeline', async () => {
    const declared = await t.http
      .post('/api/v1/incidents')
      .set(t.auth())
      .send({ title: 'Checkout latency above 2 s', severity: 'SEV3', service: 'checkout', team: 'payments', labels: { region: 'eu-west-1' } })
      .expect(201);
    const id = declared.body.id as string;
    expect(declared.headers['location']).toBe(`/api/v1/incidents/${id}`);
    expect(declared.headers['etag']).toBe('"1"');
    expect(declared.body).toMatchObject({ status: 'declared', severity: 'SEV3', escalationLevel: 1, version: 1, openActionItems: 0, overdueActionItems: 0 });

    const steps: [string, Record<string, unknown>][] = [
      ['acknowledge', { note: 'on it' }],
      ['severity', { severity: 'SEV1', reason: 'customer impact widened' }],
      ['escalate', { reason: 'need the database team', toTeam: 'dba' }],
      ['status', { status: 'investigating' }],
      ['notes', { text: 'p99 started climbing at 09:58', occurredAt: '2026-01-01T09:58:00Z' }],
      ['roles', { role: 'commander', assignee: 'alice' }],
      ['status', { status: 'identified', note: 'bad index' }],
      ['status', { status: 'monitoring' }],
      ['resolve', { resolution: 'index rebuilt' }],
      ['close', {}],
    ];
    let version = 1;
    for (const [path, body] of steps) {
      const response = await t.http.post(`/api/v1/incidents/${id}/${path}`).set(t.auth()).set('If-Match', `"${version}"`).send(body);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      version += 1;
      expect(response.headers['etag']).toBe(`"${version}"`);
    }
    const final = await t.http.get(`/api/v1/incidents/${id}`).set(t.auth()).expect(200);
    expect(final.body).toMatchObject({ status: 'closed', severity: 'SEV1', escalationLevel: 2, commander: 'alice', roles: { commander: 'alice' }, version: 11 });
    for (const field of ['acknowledgedAt', 'mitigatedAt', 'resolvedAt', 'closedAt']) expect(final.body[field]).toEqual(expect.any(String));

    const timeline = await t.http.get(`/api/v1/incidents/${id}/timeline`).set(t.auth()).expect(200);
    expect(timeline.body.items).toHaveLength(11);
    expect(timeline.body.nextCursor).toBeNull();
    // Oldest first by when it happened: the back-dated note leads.
    expect(timeline.body.items[0]).toMatchObject({ type: 'IncidentNoteAdded', occurredAt: '2026-01-01T09:58:00.000Z' });
    expect(timeline.body.items.map((e: { summary: string }) => e.summary)).toContain(
      'Severity raised SEV3 → SEV1 by bootstrap-admin: customer impact widened',
    );
    for (const entry of timeline.body.items) {
      expect(Object.keys(entry).sort()).toEqual(['actor', 'data', 'incidentId', 'occurredAt', 'position', 'recordedAt', 'summary', 'type'].sort());
    }
  });

  it('lists newest first with filters and cursor pagination', async () => {
    const service = `svc-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await t.declare({ service, severity: i % 2 ? 'SEV1' : 'SEV4', title: `Disk full ${i}` })).id);
    const first = await t.http.get(`/api/v1/incidents?service=${service}&limit=2`).set(t.auth()).expect(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([ids[4], ids[3]]);
    const second = await t.http.get(`/api/v1/incidents?service=${service}&limit=2&cursor=${first.body.nextCursor}`).set(t.auth()).expect(200);
    const third = await t.http.get(`/api/v1/incidents?service=${service}&limit=2&cursor=${second.body.nextCursor}`).set(t.auth()).expect(200);
    expect([...second.body.items, ...third.body.items].map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.body.nextCursor).toBeNull();
    const sev1 = await t.http.get(`/api/v1/incidents?service=${service}&severity=SEV1`).set(t.auth()).expect(200);
    expect(sev1.body.items.map((i: { id: string }) => i.id)).toEqual([ids[3], ids[1]]);
    const q = await t.http.get(`/api/v1/incidents?service=${service}&q=disk%20FULL%202`).set(t.auth()).expect(200);
    expect(q.body.items.map((i: { id: string }) => i.id)).toEqual([ids[2]]);
  });

  it('keeps every one of fifty concurrent notes, in order, none doubled', async () => {
    const { id } = await t.declare();
    const texts = Array.from({ length: 50 }, (_, i) => `note ${i}`);
    const responses = await Promise.all(texts.map((text) => t.http.post(`/api/v1/incidents/${id}/notes`).set(t.auth()).send({ text })));
    expect(responses.map((r) => r.status)).toEqual(texts.map(() => 200));
    const events = await t.store.readStream(`incident-${id}`);
    const notes = events.filter((e) => e.type === 'IncidentNoteAdded').map((e) => e.data['text']);
    expect(notes).toHaveLength(50);
    expect(new Set(notes)).toEqual(new Set(texts));
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
    const positions = events.map((e) => e.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const incident = await t.http.get(`/api/v1/incidents/${id}`).set(t.auth()).expect(200);
    expect(incident.body.version).toBe(51);
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const key = `idem-${Date.now()}`;
    const body = { title: 'Payments down', severity: 'SEV1', service: 'payments' };
    const first = await t.http.post('/api/v1/incidents').set(t.auth()).set('Idempotency-Key', key).send(body).expect(201);
    const head = await t.store.headPosition();
    const again = await t.http.post('/api/v1/incidents').set(t.auth()).set('Idempotency-Key', key).send(body).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['location']).toBe(first.headers['location']);
    expect(await t.store.headPosition()).toBe(head);
    const reused = await t.http.post('/api/v1/incidents').set(t.auth()).set('Idempotency-Key', key).send({ ...body, severity: 'SEV2' }).expect(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    expect(await t.store.headPosition()).toBe(head);
  });

  it('answers the incident as it stood at a past position, and its raw events', async () => {
    const { id } = await t.declare({ severity: 'SEV3' });
    const raised = await t.http.post(`/api/v1/incidents/${id}/severity`).set(t.auth()).send({ severity: 'SEV1', reason: 'worse' }).expect(200);
    expect(raised.body.severity).toBe('SEV1');
    const events = await t.http.get(`/api/v1/incidents/${id}/events`).set(t.auth()).expect(200);
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['IncidentDeclared', 'IncidentSeverityChanged']);
    expect(events.body.items[0].hash).toMatch(/^[0-9a-f]{64}$/);
    const then = await t.http.get(`/api/v1/incidents/${id}/history?asOf=${events.body.items[0].position}`).set(t.auth()).expect(200);
    expect(then.body).toMatchObject({ severity: 'SEV3', version: 1 });
    const now = await t.http.get(`/api/v1/incidents/${id}/history?asOf=${new Date(Date.now() + 1000).toISOString()}`).set(t.auth()).expect(200);
    expect(now.body).toMatchObject({ severity: 'SEV1', version: 2 });
    await t.http.get(`/api/v1/incidents/${id}/history?asOf=2000-01-01T00:00:00Z`).set(t.auth()).expect(404);
  });

  it('serves OpenAPI, health and readiness without a key', async () => {
    const doc = await t.http.get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/incidents', '/api/v1/incidents/{id}/timeline/stream']));
    await t.http.get('/docs').expect(200);
    await t.http.get('/health').expect(200);
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.details.eventStore.status).toBe('up');
  });

  it('keeps bootstrap key working and records the key name as the actor', async () => {
    const { id } = await t.declare();
    const events = await t.store.readStream(`incident-${id}`);
    expect(events[0].actor).toBe('bootstrap-admin');
    expect(ADMIN_KEY.length).toBeGreaterThan(16);
  });
});

describe.each(BACKENDS)('OpenAPI document (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it('documents problem responses and the Problem schema on every operation', async () => {
    const doc = await t.http.get('/docs-json').expect(200);
    expect(doc.body.components.schemas.Problem.properties.code.enum).toContain('VERSION_CONFLICT');
    const close = doc.body.paths['/api/v1/incidents/{id}/close'].post;
    expect(Object.keys(close.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409', '412', '422']));
    expect(close.responses['409'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    expect(doc.body.components.schemas.DeclareIncidentDto.required).toEqual(expect.arrayContaining(['title', 'severity', 'service']));
  });
});
