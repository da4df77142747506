import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@causeway/config';
import { createCausewayApp } from '@causeway/http';
import { startPostgres, type PostgresHarness } from '@causeway/testing';
import request from 'supertest';

const ADMIN = 'outage-admin-key-0123456789abcdef';
const auth = { Authorization: `Bearer ${ADMIN}` };

/**
 * The PostgreSQL server goes away mid-run: commands and queries answer 503 problem documents,
 * nothing is half-written, and the same process works again once the server is back.
 */
describe('PostgreSQL lost mid-run (real server stopped and started)', () => {
  let pg: PostgresHarness;
  let app: INestApplication;

  beforeAll(async () => {
    pg = await startPostgres({ embedded: true });
    const config = loadConfig({ CAUSEWAY_STORE: 'postgres', DATABASE_URL: pg.url, CAUSEWAY_BOOTSTRAP_ADMIN_KEY: ADMIN, CAUSEWAY_LOG_LEVEL: 'fatal' });
    app = await createCausewayApp({ config });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await pg?.stop();
  });

  it('answers 503 while the database is down and recovers by itself', async () => {
    const http = request(app.getHttpServer());
    const declared = await http.post('/api/v1/incidents').set(auth).send({ title: 'Before the outage', severity: 'SEV2', service: 'db' }).expect(201);
    const id = declared.body.id as string;

    await pg.stopServer();
    const note = await http.post(`/api/v1/incidents/${id}/notes`).set(auth).send({ text: 'during the outage' });
    expect(note.status).toBe(503);
    expect(note.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(note.body.code).toBe('SERVICE_UNAVAILABLE');
    const read = await http.get(`/api/v1/incidents/${id}`).set(auth);
    expect(read.status).toBe(503);
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(503);

    await pg.startServer();
    const after = await http.post(`/api/v1/incidents/${id}/notes`).set(auth).send({ text: 'after the outage' }).expect(200);
    expect(after.body.version).toBe(2);
    const events = await http.get(`/api/v1/incidents/${id}/events`).set(auth).expect(200);
    expect(events.body.items.map((e: { data: { text?: string } }) => e.data.text ?? null)).toEqual([null, 'after the outage']);
  });
});
