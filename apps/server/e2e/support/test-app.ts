import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@causeway/config';
import { createCausewayApp, EVENT_STORE } from '@causeway/http';
import type { EventStore } from '@causeway/event-store';
import { startPostgres } from '@causeway/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

export const ADMIN_KEY = 'e2e-bootstrap-admin-key-0123456789';

/** Every HTTP suite runs on the embedded default and on PostgreSQL (log and read models). */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestApp {
  readonly app: INestApplication;
  readonly http: ReturnType<typeof request>;
  readonly store: EventStore;
  readonly dataDir: string;
  /** `Authorization` header for a key. */
  auth(key?: string): { Authorization: string };
  /** Creates an API key with a role and returns the secret. */
  keyFor(role: 'admin' | 'lead' | 'responder' | 'stakeholder' | 'auditor', name?: string): Promise<string>;
  /** Declares an incident as the admin and returns its resource. */
  declare(body?: Record<string, unknown>): Promise<{ id: string; version: number } & Record<string, unknown>>;
  /** Runs a refused request, checks its status and that it wrote nothing to the log; returns its body. */
  refused(send: () => Promise<{ status: number; body: Record<string, unknown> }>, status: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * A real Nest application over real SQLite files in a fresh temporary directory, or over a real
 * PostgreSQL (a fresh database; the harness starts a server when DATABASE_URL is unset).
 */
export async function startTestApp(backend: Backend = 'sqlite'): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-e2e-'));
  const pg = backend === 'postgres' ? await startPostgres() : null;
  const config = loadConfig({
    CAUSEWAY_DATA_DIR: dataDir,
    CAUSEWAY_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    CAUSEWAY_LOG_LEVEL: 'error',
    ...(pg ? { CAUSEWAY_STORE: 'postgres', DATABASE_URL: pg.url } : {}),
  });
  const app = await createCausewayApp({ config });
  await app.init();
  const http = request(app.getHttpServer());
  const auth = (key = ADMIN_KEY) => ({ Authorization: `Bearer ${key}` });
  const store = app.get<EventStore>(EVENT_STORE);
  return {
    app,
    http,
    dataDir,
    store,
    auth,
    async keyFor(role, name = `${role}-user`) {
      const response = await http.post('/api/v1/api-keys').set(auth()).send({ name, role }).expect(201);
      return response.body.key as string;
    },
    async declare(body = {}) {
      const response = await http
        .post('/api/v1/incidents')
        .set(auth())
        .send({ title: 'Checkout latency above 2 s', severity: 'SEV2', service: 'checkout', ...body })
        .expect(201);
      return response.body;
    },
    async refused(send, status) {
      const head = await store.headPosition();
      const response = await send();
      expect(response.status).toBe(status);
      expect(await store.headPosition()).toBe(head);
      return response.body;
    },
    async close() {
      await app.close();
      await pg?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
