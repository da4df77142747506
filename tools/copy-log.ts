/**
 * Moves the event log from one backend to another (see docs/operations.md, "From SQLite to
 * PostgreSQL"). Stop the server first; start it on the new backend afterwards: the projector
 * rebuilds the read models from the copied log.
 *
 *   npm run log:copy -- --from-data-dir ./data --to-database-url postgres://user@host/causeway
 */
import { copyLog } from '@causeway/event-store';
import { createEventStore } from '@causeway/http';
import { parseArgs } from 'node:util';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'from-data-dir': { type: 'string' },
      'from-database-url': { type: 'string' },
      'to-data-dir': { type: 'string' },
      'to-database-url': { type: 'string' },
    },
  });
  const open = (dataDir?: string, databaseUrl?: string) => {
    if (databaseUrl) return createEventStore({ store: 'postgres', databaseUrl });
    if (dataDir) return createEventStore({ store: 'sqlite', dataDir });
    throw new Error('name a source (--from-data-dir | --from-database-url) and a target (--to-data-dir | --to-database-url)');
  };
  const source = await open(values['from-data-dir'], values['from-database-url']);
  const target = await open(values['to-data-dir'], values['to-database-url']);
  try {
    const result = await copyLog(source, target, {
      onProgress: (done, head) => process.stderr.write(`\rcopied ${done} / ${head} events`),
    });
    const verify = await target.verify();
    process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify({ ...result, target: target.backend, verify })}\n`);
    if (!verify.ok) process.exitCode = 1;
  } finally {
    await source.close();
    await target.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
