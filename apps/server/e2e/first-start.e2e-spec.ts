import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, startServer } from './support/server-process';

describe('First start of a fresh install', () => {
  let dataDir: string;

  beforeAll(() => {
    buildServer();
    dataDir = mkdtempSync(join(tmpdir(), 'causeway-first-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates an admin key, prints it once, and it works', async () => {
    const first = await startServer({ CAUSEWAY_DATA_DIR: dataDir });
    const key = /\n\s+(cw_[A-Za-z0-9_-]{20,})\n/.exec(first.stdout())?.[1];
    expect(key).toBeDefined();
    const created = await fetch(`${first.baseUrl}/api/v1/api-keys`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'alice', role: 'lead' }),
    });
    expect(created.status).toBe(201);
    first.child.kill('SIGTERM');
    await first.exited;

    const second = await startServer({ CAUSEWAY_DATA_DIR: dataDir });
    expect(second.stdout()).not.toMatch(/cw_/);
    const list = await fetch(`${second.baseUrl}/api/v1/api-keys`, { headers: { Authorization: `Bearer ${key}` } });
    expect(list.status).toBe(200);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('stops with a message naming a bad variable', async () => {
    await expect(startServer({ CAUSEWAY_DATA_DIR: dataDir, PORT: 'eighty' })).rejects.toThrow(/PORT/);
  });
});
