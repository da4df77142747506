import { DEFAULT_CAUSE_CATEGORIES } from '@causeway/domain';
import { BACKENDS, startTestApp, type TestApp } from './support/test-app';

const draft = {
  summary: 'Checkout returned 500 for 40 minutes',
  rootCause: 'A connection-pool size was halved by a config change',
  category: 'software-defect',
  contributingFactors: [{ category: 'monitoring-gap', description: 'No alert on pool saturation' }],
  whys: ['Requests timed out', 'The pool was exhausted'],
};

describe.each(BACKENDS)('RCA API (real Nest app on %s)', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  /** An incident moved to `identified`, where an RCA may be started. */
  async function identifiedIncident(): Promise<string> {
    const { id } = await t.declare();
    await t.http.post(`/api/v1/incidents/${id}/status`).set(t.auth()).send({ status: 'identified' }).expect(200);
    return id;
  }

  it('runs an RCA from draft to publication, with ETags and timeline lines', async () => {
    const lead = await t.keyFor('lead', 'lead-lee');
    const responder = await t.keyFor('responder', 'resp-rita');
    const { id } = await t.declare();
    const rca = `/api/v1/incidents/${id}/rca`;

    const early = await t.refused(() => t.http.put(rca).set(t.auth(responder)).send(draft), 409);
    expect(early).toMatchObject({ code: 'INVALID_TRANSITION', reason: 'INCIDENT_NOT_IDENTIFIED', currentState: 'declared' });
    await t.http.get(rca).set(t.auth()).expect(404);

    await t.http.post(`/api/v1/incidents/${id}/status`).set(t.auth()).send({ status: 'identified' }).expect(200);

    const drafted = await t.http.put(rca).set(t.auth(responder)).send(draft).expect(200);
    expect(drafted.headers['etag']).toBe('"1"');
    expect(drafted.body).toMatchObject({ ...draft, incidentId: id, lessons: null, status: 'draft', version: 1, submittedAt: null, lastChangeRequest: null });

    // An identical save is idempotent: nothing new, same version.
    const same = await t.refused(() => t.http.put(rca).set(t.auth(responder)).send(draft), 200);
    expect(same).toMatchObject({ version: 1 });

    const revised = { ...draft, rootCause: 'Pool halved by config change 1234', whys: [...draft.whys, 'No review of pool settings'], lessons: 'Alert on pool use' };
    const updated = await t.http.put(rca).set(t.auth(responder)).set('If-Match', '"1"').send(revised).expect(200);
    expect(updated.headers['etag']).toBe('"2"');
    expect(updated.body).toMatchObject({ status: 'draft', version: 2, lessons: 'Alert on pool use' });

    const stale = await t.refused(() => t.http.post(`${rca}/submit`).set(t.auth(responder)).set('If-Match', '"1"').send({}), 412);
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT' });

    await t.http.post(`${rca}/submit`).set(t.auth(responder)).set('If-Match', '"2"').send({}).expect(200);
    const sentBack = await t.http.post(`${rca}/request-changes`).set(t.auth(lead)).send({ comment: 'Add the timeline of the config change' }).expect(200);
    expect(sentBack.body).toMatchObject({ status: 'draft', version: 4, lastChangeRequest: { comment: 'Add the timeline of the config change' } });

    await t.http.put(rca).set(t.auth(responder)).send({ ...revised, summary: 'Checkout 500s, 09:58–10:38' }).expect(200);
    const resubmitted = await t.http.post(`${rca}/submit`).set(t.auth(responder)).send({}).expect(200);
    expect(resubmitted.body).toMatchObject({ status: 'in_review', version: 6 });
    const approved = await t.http.post(`${rca}/approve`).set(t.auth(lead)).send({}).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', version: 7, approvedAt: expect.any(String) });
    const published = await t.http.post(`${rca}/publish`).set(t.auth(lead)).send({}).expect(200);
    expect(published.headers['etag']).toBe('"8"');
    expect(published.body).toMatchObject({ status: 'published', version: 8, publishedAt: expect.any(String) });

    const read = await t.http.get(rca).set(t.auth(await t.keyFor('stakeholder'))).expect(200);
    expect(read.headers['etag']).toBe('"8"');
    expect(read.body).toEqual(published.body);
    expect(Object.keys(read.body).sort()).toEqual(
      [
        'incidentId', 'summary', 'rootCause', 'category', 'contributingFactors', 'whys', 'lessons', 'status', 'version',
        'draftedAt', 'updatedAt', 'submittedAt', 'approvedAt', 'publishedAt', 'lastChangeRequest',
      ].sort(),
    );

    // Published is final.
    await t.refused(() => t.http.put(rca).set(t.auth(lead)).send(draft), 409);

    const timeline = await t.http.get(`/api/v1/incidents/${id}/timeline`).set(t.auth()).expect(200);
    const lines = timeline.body.items.map((entry: { summary: string }) => entry.summary);
    expect(lines).toEqual(
      expect.arrayContaining([
        'RCA drafted by resp-rita (category: software-defect)',
        'RCA updated by resp-rita: rootCause, whys, lessons',
        'RCA submitted for review by resp-rita',
        'Changes requested by lead-lee: Add the timeline of the config change',
        'RCA updated by resp-rita: summary',
        'RCA approved by lead-lee',
        'RCA published by lead-lee',
      ]),
    );
    expect(lines.filter((line: string) => line.startsWith('RCA submitted'))).toHaveLength(2);
    for (const entry of timeline.body.items) expect(entry.incidentId).toBe(id);

    // The incident resource itself is untouched by RCA events.
    const incident = await t.http.get(`/api/v1/incidents/${id}`).set(t.auth()).expect(200);
    expect(incident.body).toMatchObject({ status: 'identified', version: 2 });
  });

  it('lets a responder edit and submit, but not approve or publish', async () => {
    const responder = await t.keyFor('responder');
    const id = await identifiedIncident();
    const rca = `/api/v1/incidents/${id}/rca`;
    await t.http.put(rca).set(t.auth(responder)).send(draft).expect(200);
    await t.http.post(`${rca}/submit`).set(t.auth(responder)).send({}).expect(200);
    expect(await t.refused(() => t.http.post(`${rca}/approve`).set(t.auth(responder)).send({}), 403)).toMatchObject({ code: 'FORBIDDEN' });
    await t.refused(() => t.http.post(`${rca}/request-changes`).set(t.auth(responder)).send({ comment: 'x' }), 403);
    await t.refused(() => t.http.post(`${rca}/publish`).set(t.auth(responder)).send({}), 403);
    const stakeholder = await t.keyFor('stakeholder');
    await t.refused(() => t.http.put(rca).set(t.auth(stakeholder)).send(draft), 403);
  });

  it('refuses to publish before approval', async () => {
    const id = await identifiedIncident();
    const rca = `/api/v1/incidents/${id}/rca`;
    await t.http.put(rca).set(t.auth()).send(draft).expect(200);
    expect(await t.refused(() => t.http.post(`${rca}/publish`).set(t.auth()).send({}), 409)).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'NOT_APPROVED',
      currentState: 'draft',
      allowed: ['approved'],
    });
    await t.http.post(`${rca}/submit`).set(t.auth()).send({}).expect(200);
    await t.refused(() => t.http.post(`${rca}/publish`).set(t.auth()).send({}), 409);
  });

  it('validates the body: whys, category, unknown fields, empty workflow bodies', async () => {
    const id = await identifiedIncident();
    const rca = `/api/v1/incidents/${id}/rca`;
    const fields = (body: Record<string, unknown>) => (body['errors'] as { field: string }[]).map((e) => e.field);

    const whys = Array.from({ length: 11 }, (_, i) => `why ${i + 1}`);
    const tooMany = await t.refused(() => t.http.put(rca).set(t.auth()).send({ ...draft, whys }), 400);
    expect(tooMany).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(fields(tooMany)).toContain('whys');

    const unknownCategory = await t.refused(() => t.http.put(rca).set(t.auth()).send({ ...draft, category: 'cosmic-rays' }), 400);
    expect(unknownCategory).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(fields(unknownCategory)).toEqual(['category']);

    const factor = await t.refused(
      () => t.http.put(rca).set(t.auth()).send({ ...draft, contributingFactors: [{ category: 'gremlins', description: 'd' }] }),
      400,
    );
    expect(fields(factor)).toEqual(['contributingFactors[0].category']);

    const nested = await t.refused(() => t.http.put(rca).set(t.auth()).send({ ...draft, contributingFactors: [{ category: 'capacity', extra: 1 }] }), 400);
    expect(fields(nested)).toEqual(expect.arrayContaining(['contributingFactors[0].extra', 'contributingFactors[0].description']));

    const unknown = await t.refused(() => t.http.put(rca).set(t.auth()).send({ ...draft, status: 'published' }), 400);
    expect(fields(unknown)).toEqual(['status']);

    const missing = await t.refused(() => t.http.put(rca).set(t.auth()).send({ summary: 'only this' }), 400);
    expect(fields(missing)).toEqual(expect.arrayContaining(['rootCause', 'category', 'contributingFactors', 'whys']));

    await t.http.put(rca).set(t.auth()).send(draft).expect(200);
    await t.refused(() => t.http.post(`${rca}/submit`).set(t.auth()).send({ note: 'x' }), 400);
    await t.http.post(`${rca}/submit`).set(t.auth()).send({}).expect(200);
    const blank = await t.refused(() => t.http.post(`${rca}/request-changes`).set(t.auth()).send({}), 400);
    expect(new Set(fields(blank))).toEqual(new Set(['comment']));
  });

  it('answers 404 for an unknown incident or an incident without an RCA', async () => {
    const unknown = '0192f0c4-0000-7000-8000-0000000000ff';
    expect(await t.refused(() => t.http.put(`/api/v1/incidents/${unknown}/rca`).set(t.auth()).send(draft), 404)).toMatchObject({ code: 'NOT_FOUND' });
    await t.refused(() => t.http.get(`/api/v1/incidents/${unknown}/rca`).set(t.auth()), 404);
    await t.refused(() => t.http.post(`/api/v1/incidents/${unknown}/rca/submit`).set(t.auth()).send({}), 404);
    const id = await identifiedIncident();
    const none = await t.refused(() => t.http.get(`/api/v1/incidents/${id}/rca`).set(t.auth()), 404);
    expect(none).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('replays a save under the same Idempotency-Key', async () => {
    const id = await identifiedIncident();
    const rca = `/api/v1/incidents/${id}/rca`;
    const key = `rca-${Date.now()}`;
    const first = await t.http.put(rca).set(t.auth()).set('Idempotency-Key', key).send(draft).expect(200);
    const again = await t.refused(() => t.http.put(rca).set(t.auth()).set('Idempotency-Key', key).send(draft), 200);
    expect(again).toEqual(first.body);
  });

  it('lists the cause taxonomy to any reader', async () => {
    const auditor = await t.keyFor('auditor');
    const response = await t.http.get('/api/v1/rca/categories').set(t.auth(auditor)).expect(200);
    expect(response.body).toEqual({ items: DEFAULT_CAUSE_CATEGORIES });
    await t.http.get('/api/v1/rca/categories').expect(401);
  });
});
