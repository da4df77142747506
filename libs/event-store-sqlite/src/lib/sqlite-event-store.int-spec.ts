import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DuplicateEventIdError, StoreUnavailableError, WrongExpectedVersionError, chainHash, type StoredEvent } from '@causeway/event-store';
import { describeEventStoreContract, newTestEvent } from '@causeway/event-store/testing';
import { tempDir, type TempDir } from '@causeway/testing';
import { SQLITE_EVENTS_FILE, SqliteEventStore } from './sqlite-event-store';
import { SQLITE_EVENT_STORE_MIGRATIONS } from './sqlite-event-store.migrations';

describeEventStoreContract('sqlite', async () => {
  const dir = await tempDir('causeway-sqlite-contract');
  const store = SqliteEventStore.open({ file: join(dir.path, SQLITE_EVENTS_FILE) });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dir.cleanup();
    },
  };
});

const meta = (actor = 'sqlite-spec') => ({ actor, occurredAt: '2026-03-04T05:06:07.000Z' });
const event = (data: Record<string, number | string> = {}) => newTestEvent({ data, metadata: meta() });

describe('SqliteEventStore', () => {
  let dir: TempDir;
  let file: string;
  const open: SqliteEventStore[] = [];

  function openStore(options: Partial<Parameters<typeof SqliteEventStore.open>[0]> = {}): SqliteEventStore {
    const store = SqliteEventStore.open({ file, ...options });
    open.push(store);
    return store;
  }

  /** Runs raw SQL against the file with the store closed, as an attacker with file access would. */
  function tamper(sql: string, ...params: (string | number)[]): void {
    const db = new Database(file);
    try {
      expect(db.prepare(sql).run(...params).changes).toBe(1);
    } finally {
      db.close();
    }
  }

  async function seed(count: number): Promise<void> {
    const store = openStore();
    for (let i = 1; i <= count; i++) {
      await store.append(`incident-${i % 3}`, [event({ n: i })], { expectedVersion: 'any' });
    }
    await store.close();
  }

  beforeEach(async () => {
    dir = await tempDir('causeway-sqlite');
    file = join(dir.path, SQLITE_EVENTS_FILE);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    await dir.cleanup();
  });

  describe('tamper evidence', () => {
    it('reports an edited payload at its position', async () => {
      await seed(10);
      tamper(`UPDATE events SET data = json_set(data, '$.n', 999) WHERE position = 5`);
      expect(await openStore().verify()).toEqual({ ok: false, checked: 5, firstBrokenPosition: 5 });
    });

    it('reports an edited column outside the payload', async () => {
      await seed(10);
      tamper(`UPDATE events SET actor = 'mallory' WHERE position = 3`);
      expect((await openStore().verify()).firstBrokenPosition).toBe(3);
    });

    it('reports the next link when the edited row was re-hashed too', async () => {
      await seed(10);
      const store = openStore();
      const [original] = await store.readAll({ after: 5, limit: 1 });
      await store.close();
      const forged: StoredEvent = { ...original, data: { n: 999 } };
      tamper('UPDATE events SET data = ?, hash = ? WHERE position = 6', JSON.stringify(forged.data), chainHash(forged.prevHash, forged));

      expect((await openStore().verify()).firstBrokenPosition).toBe(7);
    });

    it('reports a deleted row at its position', async () => {
      await seed(10);
      tamper('DELETE FROM events WHERE position = 7');
      expect(await openStore().verify()).toMatchObject({ ok: false, firstBrokenPosition: 7 });
    });

    it('verifies a sub-range', async () => {
      await seed(10);
      tamper(`UPDATE events SET type = 'Forged' WHERE position = 8`);
      const store = openStore();
      expect(await store.verify({ from: 2, to: 7 })).toEqual({ ok: true, checked: 6, firstBrokenPosition: null });
      expect(await store.verify({ from: 2 })).toMatchObject({ ok: false, firstBrokenPosition: 8 });
    });
  });

  describe('file lifecycle', () => {
    it('keeps the log across a reopen and continues the chain', async () => {
      await seed(4);
      const store = openStore();
      const result = await store.append('incident-1', [event()], { expectedVersion: 'exists' });
      const all = await store.readAll({ after: 0, limit: 10 });

      expect(result.lastPosition).toBe(5);
      expect(all[4].prevHash).toBe(all[3].hash);
      expect(await store.verify()).toEqual({ ok: true, checked: 5, firstBrokenPosition: null });
    });

    it('commits appends already accepted when closed', async () => {
      const store = openStore();
      const pending = [1, 2, 3].map((n) => store.append(`incident-${n}`, [event({ n })], { expectedVersion: 'no_stream' }));
      await store.close();
      expect((await Promise.all(pending)).map((r) => r.lastPosition).sort()).toEqual([1, 2, 3]);
      expect(await openStore().headPosition()).toBe(3);
    });

    it('ends live subscriptions cleanly when closed during a commit', async () => {
      const store = openStore();
      const delivered: number[] = [];
      const subscription = store.subscribe({ after: 0 }, (batch) => {
        delivered.push(...batch.map((e) => e.position));
      });
      const pending = store.append('incident-1', [event(), event()], { expectedVersion: 'no_stream' });
      await store.close();
      await pending;
      await expect(subscription.done).resolves.toBeUndefined();
      expect(delivered).toEqual([1, 2].slice(0, delivered.length));
    });

    it('refuses work once closed', async () => {
      const store = openStore();
      await store.close();
      await store.close();
      expect(await store.ping()).toBe(false);
      await expect(store.append('incident-1', [event()], { expectedVersion: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readAll({ after: 0, limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('migrates a new file to the current schema with WAL journaling', async () => {
      openStore();
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_EVENT_STORE_MIGRATIONS.length);
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        db.close();
      }
    });

    it('refuses a file written by a newer schema', () => {
      const db = new Database(file);
      db.pragma(`user_version = ${SQLITE_EVENT_STORE_MIGRATIONS.length + 1}`);
      db.close();
      expect(() => openStore()).toThrow(/newer than this build/);
    });
  });

  describe('group commit', () => {
    it('rolls back only the append whose expected version fails inside a group', async () => {
      const store = openStore();
      await store.append('incident-b', [event()], { expectedVersion: 'no_stream' });

      const [a, b, c] = await Promise.allSettled([
        store.append('incident-a', [event(), event()], { expectedVersion: 'no_stream' }),
        store.append('incident-b', [event()], { expectedVersion: 'no_stream' }),
        store.append('incident-c', [event()], { expectedVersion: 'no_stream' }),
      ]);

      expect(a).toMatchObject({ status: 'fulfilled', value: { lastPosition: 3 } });
      expect(b.status === 'rejected' && b.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(c).toMatchObject({ status: 'fulfilled', value: { lastPosition: 4 } });
      expect(await store.verify()).toEqual({ ok: true, checked: 4, firstBrokenPosition: null });
    });

    it('writes large appends in multi-row chunks and rolls back every chunk on a late conflict', async () => {
      const store = openStore();
      const stored = event();
      await store.append('incident-0', [stored], { expectedVersion: 'no_stream' });
      const sizes = [15, 16, 17, 40];
      for (const size of sizes) {
        const batch = Array.from({ length: size }, (_, i) => event({ i }));
        const conflicting = [...batch];
        conflicting[size - 2] = stored;
        await expect(store.append(`incident-${size}`, conflicting, { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
        expect(await store.findEvent(batch[0].id)).toBeNull();
        await store.append(`incident-${size}`, batch, { expectedVersion: 'no_stream' });
        const read = await store.readStream(`incident-${size}`);
        expect(read.map((e) => e.id)).toEqual(batch.map((e) => e.id));
        expect(read.map((e) => e.version)).toEqual(batch.map((_, i) => i + 1));
      }
      expect(await store.headPosition()).toBe(1 + sizes.reduce((a, b) => a + b, 0));
      expect((await store.verify()).ok).toBe(true);
    });

    it('checks expected versions against earlier appends of the same group', async () => {
      const store = openStore();
      const [first, second, stale] = await Promise.allSettled([
        store.append('incident-1', [event()], { expectedVersion: 'no_stream' }),
        store.append('incident-1', [event()], { expectedVersion: 1 }),
        store.append('incident-1', [event()], { expectedVersion: 1 }),
      ]);
      expect(first).toMatchObject({ status: 'fulfilled', value: { nextVersion: 1 } });
      expect(second).toMatchObject({ status: 'fulfilled', value: { nextVersion: 2 } });
      expect(stale).toMatchObject({ status: 'rejected', reason: { actual: 2 } });
    });

    it('takes recordedAt from the injected clock and never lets it go backwards', async () => {
      const times = ['2026-05-01T10:00:00.000Z', '2026-05-01T09:00:00.000Z', '2026-05-01T11:00:00.000Z'];
      const store = openStore({ clock: () => new Date(times.shift() ?? '2026-05-01T12:00:00.000Z') });
      for (let i = 0; i < 3; i++) await store.append('incident-1', [event()], { expectedVersion: 'any' });
      const recorded = (await store.readStream('incident-1')).map((e) => e.recordedAt);
      expect(recorded).toEqual(['2026-05-01T10:00:00.000Z', '2026-05-01T10:00:00.000Z', '2026-05-01T11:00:00.000Z']);
    });
  });

  describe('several connections on one file', () => {
    it('keeps positions dense and the chain intact, and wakes subscribers by polling', async () => {
      const a = openStore({ pollIntervalMs: 20 });
      const b = openStore({ pollIntervalMs: 20 });
      const received: StoredEvent[] = [];
      const gotAll = new Promise<void>((done) => {
        a.subscribe({ after: 0 }, (batch) => {
          received.push(...batch);
          if (received.length === 40) done();
        });
      });

      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).append(`incident-${i % 4}`, [event(), event()], { expectedVersion: 'any' }),
        ),
      );
      await gotAll;

      expect(received.map((e) => e.position)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await b.verify()).toEqual({ ok: true, checked: 40, firstBrokenPosition: null });
    });
  });

  describe('crash safety', () => {
    it('keeps every acknowledged append after SIGKILL mid-burst', async () => {
      const repoRoot = resolve(__dirname, '../../../..');
      const script = join(dir.path, 'crash-writer.js');
      writeFileSync(
        script,
        `'use strict';
require(process.env.SWC_REGISTER);
const { randomUUID } = require('node:crypto');
const { SqliteEventStore } = require(process.env.STORE_MODULE);
const store = SqliteEventStore.open({ file: process.env.EVENTS_FILE });
async function writer(w) {
  let version = 0;
  for (;;) {
    const batch = Array.from({ length: 1 + (version % 3) }, () => ({
      id: randomUUID(), type: 'CrashTick', data: { w, version },
      metadata: { actor: 'crash-test', occurredAt: new Date().toISOString() },
    }));
    const result = await store.append('crash-' + w, batch, { expectedVersion: version });
    version = result.nextVersion;
    const first = result.lastPosition - batch.length + 1;
    process.stdout.write(batch.map((e, i) => e.id + ' ' + (first + i) + '\\n').join(''));
  }
}
for (let w = 0; w < 8; w++) writer(w).catch((error) => { process.stderr.write(String(error && error.stack) + '\\n'); process.exit(2); });
`,
      );
      const child = spawn(process.execPath, [script], {
        cwd: repoRoot,
        env: {
          ...process.env,
          SWC_REGISTER: require.resolve('@swc-node/register'),
          STORE_MODULE: join(__dirname, 'sqlite-event-store.ts'),
          EVENTS_FILE: file,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const acknowledged = new Map<string, number>();
      let stderr = '';
      let partial = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
        child.on('close', (code, signal) => done({ code, signal })),
      );
      const enough = new Promise<void>((done) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString()).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) {
            const [id, position] = line.split(' ');
            acknowledged.set(id, Number(position));
          }
          if (acknowledged.size >= 3000) done();
        });
      });

      const first = await Promise.race([enough.then(() => 'enough' as const), closed]);
      if (first !== 'enough') throw new Error(`crash writer exited early: ${JSON.stringify(first)}\n${stderr}`);
      child.kill('SIGKILL');
      expect((await closed).signal).toBe('SIGKILL');

      const store = openStore();
      const missing: string[] = [];
      for (const [id, position] of acknowledged) {
        const stored = await store.findEvent(id);
        if (stored?.position !== position) missing.push(id);
      }
      expect(missing).toEqual([]);
      const head = await store.headPosition();
      expect(head).toBeGreaterThanOrEqual(Math.max(...acknowledged.values()));
      expect(await store.verify()).toEqual({ ok: true, checked: head, firstBrokenPosition: null });
    });
  });
});
