import { tempDir, type TempDir } from '@causeway/testing';
import { join } from 'node:path';
import { copyLog, type NewEvent } from '@causeway/event-store';
import { SqliteEventStore } from './sqlite-event-store';


const event = (id: string, text: string): NewEvent => ({
  id,
  type: 'IncidentNoteAdded',
  data: { text, occurredAt: '2026-11-21T08:00:00.000Z' },
  metadata: { actor: 'alice', occurredAt: '2026-11-21T08:00:00.000Z' },
});
const uuid = (n: number) => `0190f5c2-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('copyLog (SQLite → SQLite, real files)', () => {
  let dir: TempDir;
  let source: SqliteEventStore;
  let target: SqliteEventStore;

  beforeEach(async () => {
    dir = await tempDir('causeway-copy');
    source = SqliteEventStore.open({ file: join(dir.path, 'source.db') });
    target = SqliteEventStore.open({ file: join(dir.path, 'target.db') });
    let n = 0;
    for (let round = 0; round < 5; round++) {
      for (const stream of ['incident-a', 'incident-b', 'incident-c']) {
        await source.append(stream, [event(uuid(n++), `${stream} ${round}a`), event(uuid(n++), `${stream} ${round}b`)], { expectedVersion: 'any' });
      }
    }
  });
  afterEach(async () => {
    await source.close();
    await target.close();
    await dir.cleanup();
  });

  it('copies every event in order with ids, versions and business data, and keeps the original hash', async () => {
    const result = await copyLog(source, target, { batchSize: 7 });
    expect(result).toMatchObject({ copied: 30, skipped: 0 });
    const [from, to] = [await source.readAll({ after: 0, limit: 100 }), await target.readAll({ after: 0, limit: 100 })];
    expect(to.map((e) => [e.id, e.streamId, e.version, e.type, e.data, e.actor, e.occurredAt])).toEqual(
      from.map((e) => [e.id, e.streamId, e.version, e.type, e.data, e.actor, e.occurredAt]),
    );
    expect(to[3].metadata.importedFrom).toEqual({ backend: 'sqlite', position: from[3].position, recordedAt: from[3].recordedAt, hash: from[3].hash });
    expect(await target.verify()).toMatchObject({ ok: true, checked: 30 });
  });

  it('resumes after an interruption without duplicating anything', async () => {
    const firstTen = await source.readAll({ after: 0, limit: 10 });
    for (const e of firstTen) {
      await target.append(e.streamId, [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }], { expectedVersion: e.version === 1 ? 'no_stream' : e.version - 1 });
    }
    const result = await copyLog(source, target, { batchSize: 4 });
    expect(result).toMatchObject({ copied: 20, skipped: 10 });
    expect(await target.headPosition()).toBe(30);
  });

  it('refuses to merge into a target that holds another log', async () => {
    await target.append('incident-a', [event(uuid(999), 'foreign')], { expectedVersion: 'no_stream' });
    await expect(copyLog(source, target)).rejects.toThrow();
  });
});
