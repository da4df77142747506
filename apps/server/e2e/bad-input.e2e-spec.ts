import { BACKENDS, startTestApp, type TestApp } from './support/test-app';

/**
 * Every bad request gets the documented 4xx problem document and writes nothing: each case checks
 * the log's head position before and after.
 */
describe.each(BACKENDS)('Bad input and refusals (%s)', (backend) => {
  let t: TestApp;
  let incidentId: string;
  let responderKey: string;
  let stakeholderKey: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    incidentId = (await t.declare()).id;
    responderKey = await t.keyFor('responder');
    stakeholderKey = await t.keyFor('stakeholder');
  });
  afterAll(async () => {
    await t.close();
  });

  async function expectNothingWritten(action: () => Promise<void>): Promise<void> {
    const before = await t.store.headPosition();
    await action();
    expect(await t.store.headPosition()).toBe(before);
  }

  function expectProblem(response: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, code: string) {
    expect({ status: response.status, code: response.body['code'] }).toEqual({ status, code });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), detail: expect.any(String), status }));
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  }

  const valid = { title: 'Checkout down', severity: 'SEV2', service: 'checkout' };

  it.each([
    ['an unknown field', { ...valid, colour: 'red' }, 'colour'],
    ['a missing field', { severity: 'SEV2', service: 'checkout' }, 'title'],
    ['a wrong enum', { ...valid, severity: 'SEV9' }, 'severity'],
    ['an over-long title', { ...valid, title: 'x'.repeat(201) }, 'title'],
    ['an empty title', { ...valid, title: '' }, 'title'],
    ['a service that is not a slug', { ...valid, service: 'Check Out!' }, 'service'],
    ['a non-string label', { ...valid, labels: { region: 5 } }, 'labels'],
    ['a non-ISO detectedAt', { ...valid, detectedAt: 'yesterday' }, 'detectedAt'],
    ['a detectedAt in the future', { ...valid, detectedAt: '2999-01-01T00:00:00Z' }, 'detectedAt'],
  ])('declare with %s → 400 naming the field', async (_, body, field) => {
    await expectNothingWritten(async () => {
      const response = await t.http.post('/api/v1/incidents').set(t.auth()).send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  it.each([
    ['notes', { text: '' }, 'text'],
    ['notes', { text: 'x'.repeat(10001) }, 'text'],
    ['notes', { text: 'ok', occurredAt: '2999-01-01T00:00:00Z' }, 'occurredAt'],
    ['severity', { severity: 'SEV1' }, 'reason'],
    ['status', { status: 'resolved' }, 'status'],
    ['roles', { role: 'captain', assignee: 'bob' }, 'role'],
    ['escalate', { reason: 'x', toLevel: 'two' }, 'toLevel'],
  ])('POST %s with %j → 400 naming %s', async (path, body, field) => {
    await expectNothingWritten(async () => {
      const response = await t.http.post(`/api/v1/incidents/${incidentId}/${path}`).set(t.auth()).send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    await expectNothingWritten(async () => {
      const response = await t.http.post(`/api/v1/incidents/${incidentId}/notes`).set(t.auth()).send({ text: 'x'.repeat(1024 * 1024 + 10) });
      expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  it('refuses malformed JSON and non-object bodies with 400', async () => {
    await expectNothingWritten(async () => {
      const malformed = await t.http.post('/api/v1/incidents').set(t.auth()).set('Content-Type', 'application/json').send('{"title": ');
      expectProblem(malformed, 400, 'VALIDATION_FAILED');
      expect(malformed.body.errors).toEqual([{ field: 'body', message: 'must be valid JSON' }]);
      const array = await t.http.post('/api/v1/incidents').set(t.auth()).set('Content-Type', 'application/json').send('[1,2]');
      expectProblem(array, 400, 'VALIDATION_FAILED');
    });
  });

  it('refuses a non-UUID id with 400 and an unknown incident with 404', async () => {
    await expectNothingWritten(async () => {
      const bad = await t.http.post('/api/v1/incidents/not-a-uuid/notes').set(t.auth()).send({ text: 'hi' });
      expectProblem(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
      const unknown = '0190f5c2-0000-7000-8000-000000000000';
      expectProblem(await t.http.post(`/api/v1/incidents/${unknown}/notes`).set(t.auth()).send({ text: 'hi' }), 404, 'NOT_FOUND');
      expectProblem(await t.http.get(`/api/v1/incidents/${unknown}`).set(t.auth()), 404, 'NOT_FOUND');
      expectProblem(await t.http.get(`/api/v1/incidents/${unknown}/timeline`).set(t.auth()), 404, 'NOT_FOUND');
    });
  });

  it('refuses a stale If-Match with 412 and a malformed one with 400', async () => {
    const current = await t.http.get(`/api/v1/incidents/${incidentId}`).set(t.auth()).expect(200);
    await expectNothingWritten(async () => {
      const stale = await t.http.post(`/api/v1/incidents/${incidentId}/notes`).set(t.auth()).set('If-Match', `"${current.body.version - 1 || 99}"`).send({ text: 'late' });
      expectProblem(stale, 412, 'VERSION_CONFLICT');
      const malformed = await t.http.post(`/api/v1/incidents/${incidentId}/notes`).set(t.auth()).set('If-Match', 'W/"1"').send({ text: 'late' });
      expectProblem(malformed, 400, 'VALIDATION_FAILED');
    });
  });

  it('refuses an illegal transition with 409 saying the state and what is allowed', async () => {
    const { id } = await t.declare();
    await expectNothingWritten(async () => {
      const response = await t.http.post(`/api/v1/incidents/${id}/close`).set(t.auth()).send({});
      expectProblem(response, 409, 'INVALID_TRANSITION');
      expect(response.body.detail).toMatch(/declared/);
      expect(response.body.detail).toMatch(/resolved/);
    });
    await t.http.post(`/api/v1/incidents/${id}/acknowledge`).set(t.auth()).send({}).expect(200);
    await expectNothingWritten(async () => {
      expectProblem(await t.http.post(`/api/v1/incidents/${id}/acknowledge`).set(t.auth()).send({}), 409, 'INVALID_TRANSITION');
    });
  });

  it('refuses a missing, unknown or revoked key with 401', async () => {
    await expectNothingWritten(async () => {
      expectProblem(await t.http.get('/api/v1/incidents'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.post('/api/v1/incidents').send(valid), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get('/api/v1/incidents').set(t.auth('cw_not-a-key')), 401, 'UNAUTHENTICATED');
    });
    const created = await t.http.post('/api/v1/api-keys').set(t.auth()).send({ name: 'temp', role: 'responder' }).expect(201);
    await t.http.get('/api/v1/incidents').set(t.auth(created.body.key)).expect(200);
    await t.http.delete(`/api/v1/api-keys/${created.body.id}`).set(t.auth()).expect(204);
    expectProblem(await t.http.get('/api/v1/incidents').set(t.auth(created.body.key)), 401, 'UNAUTHENTICATED');
    const listed = await t.http.get('/api/v1/api-keys').set(t.auth()).expect(200);
    const revoked = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(JSON.stringify(listed.body)).not.toMatch(/keyHash/);
  });

  it('answers 404 for revoking a key that does not exist, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      expectProblem(await t.http.delete('/api/v1/api-keys/0190f5c2-0000-7000-8000-00000000beef').set(t.auth()), 404, 'NOT_FOUND');
    });
  });

  it('refuses a role without the permission with 403', async () => {
    await expectNothingWritten(async () => {
      expectProblem(await t.http.post('/api/v1/incidents').set(t.auth(stakeholderKey)).send(valid), 403, 'FORBIDDEN');
      expectProblem(await t.http.post(`/api/v1/incidents/${incidentId}/resolve`).set(t.auth(responderKey)).send({ resolution: 'done' }), 403, 'FORBIDDEN');
      expectProblem(await t.http.get(`/api/v1/incidents/${incidentId}/events`).set(t.auth(responderKey)), 403, 'FORBIDDEN');
      expectProblem(await t.http.post('/api/v1/api-keys').set(t.auth(responderKey)).send({ name: 'x', role: 'admin' }), 403, 'FORBIDDEN');
    });
    await t.http.get(`/api/v1/incidents/${incidentId}`).set(t.auth(stakeholderKey)).expect(200);
    await t.http.post(`/api/v1/incidents/${incidentId}/notes`).set(t.auth(responderKey)).send({ text: 'responder note' }).expect(200);
  });

  it('validates query parameters', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=ten', 'status=sleeping', 'colour=red', 'cursor=garbage']) {
      const response = await t.http.get(`/api/v1/incidents?${query}`).set(t.auth());
      expectProblem(response, 400, 'VALIDATION_FAILED');
    }
    expectProblem(await t.http.get(`/api/v1/incidents/${incidentId}/history?asOf=last-tuesday`).set(t.auth()), 400, 'VALIDATION_FAILED');
  });
});

describe.each(BACKENDS)('Commands without a body (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it('close accepts {} and refuses any field', async () => {
    const { id } = await t.declare();
    await t.http.post(`/api/v1/incidents/${id}/resolve`).set(t.auth()).send({ resolution: 'fixed' }).expect(200);
    const refused = await t.http.post(`/api/v1/incidents/${id}/close`).set(t.auth()).send({ force: true }).expect(400);
    expect(refused.body.errors).toEqual([{ field: 'force', message: 'property force should not exist' }]);
    await t.http.post(`/api/v1/incidents/${id}/close`).set(t.auth()).send({}).expect(200);
  });
});
