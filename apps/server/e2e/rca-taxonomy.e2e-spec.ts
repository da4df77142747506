import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, startServer, type ServerProcess } from './support/server-process';

const ADMIN_KEY = 'rca-taxonomy-admin-key-0123456789';

/** A taxonomy without any default id but `monitoring-gap`, which it relabels. */
const TAXONOMY = [
  { id: 'people', label: 'People', description: 'Staffing, skills or handover gaps.' },
  { id: 'tooling', label: 'Tooling', description: 'Internal tools that failed or misled.' },
  { id: 'monitoring-gap', label: 'Observability gap', description: 'Detected late or not at all.' },
];

const draft = {
  summary: 'Checkout returned 500 for 40 minutes',
  rootCause: 'A connection-pool size was halved by a config change',
  category: 'configuration',
  contributingFactors: [{ category: 'monitoring-gap', description: 'No alert on pool saturation' }],
  whys: ['Requests timed out', 'The pool was exhausted'],
};

/** The real server process with a taxonomy file; an RCA written under the default taxonomy must survive the switch. */
describe('Configured cause taxonomy (real server on SQLite)', () => {
  let dir: string;
  let dataDir: string;
  let taxonomyFile: string;
  let server: ServerProcess | null = null;

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: () => Record<string, unknown> }> {
    if (server === null) throw new Error('no server running');
    const response = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  }

  async function identifiedIncident(): Promise<string> {
    const declared = await call('POST', '/incidents', { title: 'Checkout latency above 2 s', severity: 'SEV2', service: 'checkout' });
    expect(declared.status).toBe(201);
    const id = String(declared.json()['id']);
    expect((await call('POST', `/incidents/${id}/status`, { status: 'identified' })).status).toBe(200);
    return id;
  }

  async function stop(): Promise<void> {
    if (server === null) return;
    server.child.kill('SIGTERM');
    await server.exited;
    server = null;
  }

  beforeAll(() => {
    buildServer();
    dir = mkdtempSync(join(tmpdir(), 'causeway-taxonomy-'));
    dataDir = join(dir, 'data');
    taxonomyFile = join(dir, 'cause-taxonomy.json');
    writeFileSync(taxonomyFile, JSON.stringify(TAXONOMY, null, 2));
  });
  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves and enforces the configured taxonomy, and still reads RCAs written under the old one', async () => {
    server = await startServer({ CAUSEWAY_DATA_DIR: dataDir, CAUSEWAY_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY });
    const oldId = await identifiedIncident();
    expect((await call('PUT', `/incidents/${oldId}/rca`, draft)).status).toBe(200);
    await stop();

    server = await startServer({ CAUSEWAY_DATA_DIR: dataDir, CAUSEWAY_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, CAUSEWAY_CAUSE_TAXONOMY_FILE: taxonomyFile });

    const categories = await call('GET', '/rca/categories');
    expect(categories.status).toBe(200);
    expect(categories.json()).toEqual({ items: TAXONOMY });

    const id = await identifiedIncident();
    const custom = { ...draft, category: 'people', contributingFactors: [{ category: 'tooling', description: 'The deploy tool hid the diff' }] };
    const saved = await call('PUT', `/incidents/${id}/rca`, custom);
    expect(saved.status).toBe(200);
    expect(saved.json()).toMatchObject({ category: 'people', contributingFactors: custom.contributingFactors, version: 1 });

    const refused = await call('PUT', `/incidents/${id}/rca`, { ...custom, category: 'capacity' });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'category', message: 'unknown cause category "capacity"; allowed: people, tooling or monitoring-gap' }],
    });
    expect((await call('GET', `/incidents/${id}/rca`)).json()).toMatchObject({ category: 'people', version: 1 });

    // Only new writes are checked: the RCA saved under the default taxonomy reads, renders and moves on.
    const old = await call('GET', `/incidents/${oldId}/rca`);
    expect(old.status).toBe(200);
    expect(old.json()).toMatchObject({ category: 'configuration', contributingFactors: draft.contributingFactors });
    const report = await call('GET', `/incidents/${oldId}/report.md`);
    expect(report.status).toBe(200);
    expect(report.text).toContain('**Category:** configuration');
    expect(report.text).toContain('- **Observability gap:** No alert on pool saturation');
    expect((await call('POST', `/incidents/${oldId}/rca/submit`, {})).json()).toMatchObject({ status: 'in_review', category: 'configuration' });
    await stop();
  });

  it('stops with exit code 2 naming the variable when the file is invalid or missing', async () => {
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify([...TAXONOMY, { id: 'Bad Id', label: 'Bad', description: 'Not a slug' }]));
    await expect(startServer({ CAUSEWAY_DATA_DIR: dataDir, CAUSEWAY_CAUSE_TAXONOMY_FILE: invalid })).rejects.toThrow(
      /server exited \(2\)[\s\S]*Invalid configuration: CAUSEWAY_CAUSE_TAXONOMY_FILE \S+invalid\.json: \[3\]\.id must be a lowercase slug/,
    );
    await expect(startServer({ CAUSEWAY_DATA_DIR: dataDir, CAUSEWAY_CAUSE_TAXONOMY_FILE: join(dir, 'missing.json') })).rejects.toThrow(
      /server exited \(2\)[\s\S]*Invalid configuration: CAUSEWAY_CAUSE_TAXONOMY_FILE \S+missing\.json does not exist/,
    );
  });
});
