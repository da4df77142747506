import { startPostgres, type PostgresHarness } from '@causeway/testing';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildServer } from './support/server-process';

const root = join(__dirname, '..', '..', '..');

/** ADR 0010: a database that is down at start-up is retried with backoff, not fatal at once. */
describe('Start-up while PostgreSQL is down', () => {
  let pg: PostgresHarness;

  beforeAll(async () => {
    buildServer();
    pg = await startPostgres({ embedded: true });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('retries until the database is back, then serves', async () => {
    await pg.stopServer();
    const child = spawn(process.execPath, [join(root, 'dist/apps/server/src/main.js')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        CAUSEWAY_STORE: 'postgres',
        DATABASE_URL: pg.url,
        CAUSEWAY_BOOTSTRAP_ADMIN_KEY: 'startup-retry-admin-key-0123456789',
        CAUSEWAY_LOG_LEVEL: 'fatal',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    try {
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/cannot reach its database yet .*retrying in \d+ ms/.test(stderr)) resolve();
        });
        void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      await pg.startServer();
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /listening on http:\/\/localhost:(\d+)/.exec(stdout);
          if (match) resolve(`http://127.0.0.1:${match[1]}`);
        });
        void exited.then((code) => reject(new Error(`exited ${code}: ${stdout}`)));
      });
      const ready = await fetch(`${baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
