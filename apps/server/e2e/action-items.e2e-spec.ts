import { BACKENDS, startTestApp, type TestApp } from './support/test-app';

const DAY_MS = 86_400_000;
const DAY_S = 86_400;

/** A due date `days` from now, at whole seconds (what the server stores, normalised to UTC). */
function inDays(days: number): string {
  return new Date(Math.floor((Date.now() + days * DAY_MS) / 1000) * 1000).toISOString();
}

const item = (overrides: Record<string, unknown> = {}) => ({
  title: 'Alert on connection-pool saturation',
  owner: 'bob',
  dueAt: inDays(10),
  priority: 'P2',
  kind: 'corrective',
  ...overrides,
});

describe.each(BACKENDS)('Action items API (real Nest app on %s)', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  /** The fields a 400 names, each once (a field breaking two rules is reported twice). */
  const fields = (body: Record<string, unknown>) => [...new Set((body['errors'] as { field: string }[]).map((e) => e.field))];

  async function created(incidentId: string, body: Record<string, unknown> = item(), key?: string): Promise<{ id: string } & Record<string, unknown>> {
    const response = await t.http.post(`/api/v1/incidents/${incidentId}/action-items`).set(t.auth(key)).send(body).expect(201);
    return response.body;
  }

  it('runs an item through its whole lifecycle; the history shows every owner, due date and status with who and when', async () => {
    const alice = await t.keyFor('responder', 'alice');
    const carol = await t.keyFor('responder', 'carol');
    const lead = await t.keyFor('lead', 'lead-lee');
    const { id: incidentId } = await t.declare();
    const dueAt = inDays(10);

    const response = await t.http
      .post(`/api/v1/incidents/${incidentId}/action-items`)
      .set(t.auth(alice))
      .send(item({ dueAt, description: 'Page when the pool is above 90 %', team: 'payments' }))
      .expect(201);
    const id = response.body.id as string;
    expect(response.headers['location']).toBe(`/api/v1/action-items/${id}`);
    expect(response.headers['etag']).toBe('"1"');
    expect(response.body).toEqual({
      id,
      incidentId,
      title: 'Alert on connection-pool saturation',
      owner: 'bob',
      dueAt,
      priority: 'P2',
      kind: 'corrective',
      description: 'Page when the pool is above 90 %',
      team: 'payments',
      status: 'open',
      overdue: false,
      overdueSince: null,
      createdAt: expect.any(String),
      completedAt: null,
      cancelledAt: null,
      version: 1,
    });

    const read = await t.http.get(`/api/v1/action-items/${id}`).set(t.auth(await t.keyFor('stakeholder'))).expect(200);
    expect(read.headers['etag']).toBe('"1"');
    expect(read.body).toEqual(response.body);

    const path = `/api/v1/action-items/${id}`;
    const assigned = await t.http.post(`${path}/assign`).set(t.auth(alice)).set('If-Match', '"1"').send({ owner: 'carol', reason: 'bob is on leave' }).expect(200);
    expect(assigned.headers['etag']).toBe('"2"');
    expect(assigned.body).toMatchObject({ owner: 'carol', version: 2 });

    const stale = await t.refused(() => t.http.post(`${path}/start`).set(t.auth(carol)).set('If-Match', '"1"').send({}), 412);
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT' });

    const slipped = new Date(Date.parse(dueAt) + 3 * DAY_MS).toISOString();
    const rescheduled = await t.http.post(`${path}/reschedule`).set(t.auth(carol)).send({ dueAt: slipped, reason: 'vendor delay' }).expect(200);
    expect(rescheduled.body).toMatchObject({ dueAt: slipped, version: 3 });

    expect((await t.http.post(`${path}/start`).set(t.auth(carol)).send({}).expect(200)).body).toMatchObject({ status: 'in_progress', version: 4 });
    const done = await t.http.post(`${path}/complete`).set(t.auth(carol)).send({ note: 'alert is live' }).expect(200);
    expect(done.body).toMatchObject({ status: 'done', completedAt: expect.any(String), version: 5 });

    // Finished: only reopen is allowed.
    expect(await t.refused(() => t.http.post(`${path}/start`).set(t.auth(carol)).send({}), 409)).toMatchObject({ code: 'INVALID_TRANSITION', currentState: 'done' });

    const reopened = await t.http.post(`${path}/reopen`).set(t.auth(lead)).send({ reason: 'alert flaps' }).expect(200);
    expect(reopened.body).toMatchObject({ status: 'open', completedAt: null, version: 6 });
    const cancelled = await t.http.post(`${path}/cancel`).set(t.auth(lead)).send({ reason: 'superseded by the pool autoscaler' }).expect(200);
    expect(cancelled.headers['etag']).toBe('"7"');
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(String), overdue: false, version: 7 });

    const history = await t.http.get(`${path}/history`).set(t.auth(await t.keyFor('auditor'))).expect(200);
    expect(history.headers['etag']).toBe('"7"');
    const at = expect.any(String);
    expect(history.body).toEqual({
      id,
      incidentId,
      version: 7,
      owners: [
        { owner: 'bob', from: at, to: at, reason: null, by: 'alice' },
        { owner: 'carol', from: at, reason: 'bob is on leave', by: 'alice' },
      ],
      dueDates: [
        { dueAt, setAt: at, slipSeconds: 0, reason: null, by: 'alice' },
        { dueAt: slipped, setAt: at, slipSeconds: 3 * DAY_S, reason: 'vendor delay', by: 'carol' },
      ],
      statuses: [
        { status: 'open', at, by: 'alice' },
        { status: 'in_progress', at, by: 'carol' },
        { status: 'done', at, by: 'carol' },
        { status: 'open', at, by: 'lead-lee' },
        { status: 'cancelled', at, by: 'lead-lee' },
      ],
    });

    const timeline = await t.http.get(`/api/v1/incidents/${incidentId}/timeline`).set(t.auth()).expect(200);
    const lines = timeline.body.items.map((entry: { summary: string }) => entry.summary);
    expect(lines).toEqual(
      expect.arrayContaining([
        `Action item created by alice: Alert on connection-pool saturation (owner bob, due ${dueAt.slice(0, 10)}, P2 corrective)`,
        'Action item reassigned bob → carol by alice: bob is on leave',
        'Action item rescheduled +3d by carol: vendor delay',
        'Action item started by carol',
        'Action item completed by carol: alert is live',
        'Action item reopened by lead-lee: alert flaps',
        'Action item cancelled by lead-lee: superseded by the pool autoscaler',
      ]),
    );

    // The incident summary is untouched by action-item events (counts come with their projection).
    const incident = await t.http.get(`/api/v1/incidents/${incidentId}`).set(t.auth()).expect(200);
    expect(incident.body).toMatchObject({ status: 'declared', version: 1 });
  });

  it('accepts a due date already past: the item is overdue at once', async () => {
    const { id: incidentId } = await t.declare();
    const dueAt = inDays(-2);
    const overdue = await created(incidentId, item({ dueAt, owner: 'team:payments', priority: 'P1', kind: 'mitigation' }));
    expect(overdue).toMatchObject({ status: 'open', dueAt, overdue: true, overdueSince: dueAt, owner: 'team:payments' });
    const read = await t.http.get(`/api/v1/action-items/${overdue.id}`).set(t.auth()).expect(200);
    expect(read.body).toMatchObject({ overdue: true, overdueSince: dueAt });

    // Moving the date out clears it; a date given with an offset is stored in UTC.
    const later = await t.http.post(`/api/v1/action-items/${overdue.id}/reschedule`).set(t.auth()).send({ dueAt: '2099-01-01T10:00:00+02:00', reason: 'scope grew' }).expect(200);
    expect(later.body).toMatchObject({ dueAt: '2099-01-01T08:00:00.000Z', overdue: false, overdueSince: null });
  });

  it('lets responders create and update, but not stakeholders or auditors', async () => {
    const { id: incidentId } = await t.declare();
    const stakeholder = await t.keyFor('stakeholder');
    const auditor = await t.keyFor('auditor');
    const create = `/api/v1/incidents/${incidentId}/action-items`;
    expect(await t.refused(() => t.http.post(create).set(t.auth(stakeholder)).send(item()), 403)).toMatchObject({ code: 'FORBIDDEN' });
    await t.refused(() => t.http.post(create).set(t.auth(auditor)).send(item()), 403);
    await t.refused(() => t.http.post(create).send(item()), 401);

    const { id } = await created(incidentId, item(), await t.keyFor('responder'));
    await t.refused(() => t.http.post(`/api/v1/action-items/${id}/start`).set(t.auth(stakeholder)).send({}), 403);
    await t.refused(() => t.http.post(`/api/v1/action-items/${id}/assign`).set(t.auth(stakeholder)).send({ owner: 'carol' }), 403);
    await t.http.get(`/api/v1/action-items/${id}/history`).set(t.auth(stakeholder)).expect(200);
  });

  it('validates the body and names the field', async () => {
    const { id: incidentId } = await t.declare();
    const create = `/api/v1/incidents/${incidentId}/action-items`;

    const badOwner = await t.refused(() => t.http.post(create).set(t.auth()).send(item({ owner: 'Bob Smith' })), 400);
    expect(badOwner).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(fields(badOwner)).toEqual(['owner']);

    expect(fields(await t.refused(() => t.http.post(create).set(t.auth()).send(item({ dueAt: '2026-12-01T17:00:00' })), 400))).toEqual(['dueAt']);
    expect(fields(await t.refused(() => t.http.post(create).set(t.auth()).send(item({ dueAt: 'next tuesday' })), 400))).toEqual(['dueAt']);
    expect(fields(await t.refused(() => t.http.post(create).set(t.auth()).send(item({ priority: 'P5' })), 400))).toEqual(['priority']);
    expect(fields(await t.refused(() => t.http.post(create).set(t.auth()).send(item({ kind: 'wishful' })), 400))).toEqual(['kind']);
    expect(fields(await t.refused(() => t.http.post(create).set(t.auth()).send(item({ title: 'x'.repeat(301) })), 400))).toEqual(['title']);
    expect(fields(await t.refused(() => t.http.post(create).set(t.auth()).send(item({ status: 'done' })), 400))).toEqual(['status']);
    const missing = await t.refused(() => t.http.post(create).set(t.auth()).send({ title: 'only this' }), 400);
    expect(fields(missing)).toEqual(expect.arrayContaining(['owner', 'dueAt', 'priority', 'kind']));

    const { id } = await created(incidentId);
    const path = `/api/v1/action-items/${id}`;
    expect(fields(await t.refused(() => t.http.post(`${path}/reschedule`).set(t.auth()).send({ dueAt: inDays(20), reason: '' }), 400))).toEqual(['reason']);
    expect(fields(await t.refused(() => t.http.post(`${path}/reschedule`).set(t.auth()).send({ dueAt: inDays(20), reason: '   ' }), 400))).toEqual(['reason']);
    expect(fields(await t.refused(() => t.http.post(`${path}/reschedule`).set(t.auth()).send({ dueAt: inDays(20) }), 400))).toEqual(['reason']);
    expect(fields(await t.refused(() => t.http.post(`${path}/reschedule`).set(t.auth()).send({ dueAt: 'soon', reason: 'x' }), 400))).toEqual(['dueAt']);
    expect(fields(await t.refused(() => t.http.post(`${path}/cancel`).set(t.auth()).send({ reason: '' }), 400))).toEqual(['reason']);
    expect(fields(await t.refused(() => t.http.post(`${path}/cancel`).set(t.auth()).send({}), 400))).toEqual(['reason']);
    expect(fields(await t.refused(() => t.http.post(`${path}/assign`).set(t.auth()).send({ owner: 'not an owner' }), 400))).toEqual(['owner']);
    expect(fields(await t.refused(() => t.http.post(`${path}/start`).set(t.auth()).send({ note: 'x' }), 400))).toEqual(['note']);

    // Rules only the decider knows: same owner, same date, start twice.
    expect(await t.refused(() => t.http.post(`${path}/assign`).set(t.auth()).send({ owner: 'bob' }), 409)).toMatchObject({ code: 'INVALID_TRANSITION', reason: 'OWNER_UNCHANGED' });
    await t.http.post(`${path}/start`).set(t.auth()).send({}).expect(200);
    expect(await t.refused(() => t.http.post(`${path}/start`).set(t.auth()).send({}), 409)).toMatchObject({ reason: 'ALREADY_STARTED' });
  });

  it('answers 404 for an unknown incident or action item', async () => {
    const unknown = '0192f0c4-0000-7000-8000-0000000000ff';
    expect(await t.refused(() => t.http.post(`/api/v1/incidents/${unknown}/action-items`).set(t.auth()).send(item()), 404)).toMatchObject({ code: 'NOT_FOUND' });
    await t.refused(() => t.http.get(`/api/v1/action-items/${unknown}`).set(t.auth()), 404);
    await t.refused(() => t.http.get(`/api/v1/action-items/${unknown}/history`).set(t.auth()), 404);
    await t.refused(() => t.http.post(`/api/v1/action-items/${unknown}/start`).set(t.auth()).send({}), 404);
    await t.refused(() => t.http.get('/api/v1/action-items/not-a-uuid').set(t.auth()), 400);
  });

  it('refuses to add an item to a closed incident', async () => {
    const { id: incidentId } = await t.declare();
    await t.http.post(`/api/v1/incidents/${incidentId}/resolve`).set(t.auth()).send({ resolution: 'rolled back' }).expect(200);
    // Follow-ups usually come after resolution: still allowed.
    await created(incidentId);
    await t.http.post(`/api/v1/incidents/${incidentId}/close`).set(t.auth()).send({}).expect(200);
    expect(await t.refused(() => t.http.post(`/api/v1/incidents/${incidentId}/action-items`).set(t.auth()).send(item()), 409)).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'INCIDENT_CLOSED',
      currentState: 'closed',
    });
  });

  it('replays a create under the same Idempotency-Key and refuses the key with another body', async () => {
    const { id: incidentId } = await t.declare();
    const create = `/api/v1/incidents/${incidentId}/action-items`;
    const key = `action-item-${Date.now()}-${backend}`;
    const body = item();
    const first = await t.http.post(create).set(t.auth()).set('Idempotency-Key', key).send(body).expect(201);
    const again = await t.refused(() => t.http.post(create).set(t.auth()).set('Idempotency-Key', key).send(body), 201);
    expect(again).toEqual(first.body);
    expect(await t.refused(() => t.http.post(create).set(t.auth()).set('Idempotency-Key', key).send({ ...body, title: 'other' }), 422)).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });
});
