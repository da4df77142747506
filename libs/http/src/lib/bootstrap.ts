import { ConfigError, loadConfig, type CausewayConfig } from '@causeway/config';
import type { INestApplication } from '@nestjs/common';
import { createCausewayApp } from './create-app';
import type { CausewayRole } from './causeway.options';
import { readModelConfig } from './projection/read-model.config';

/** How long start-up keeps retrying an unreachable database before it gives up (exit 1). */
const STARTUP_DEADLINE_MS = 60_000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8_000;

/**
 * Process entry point shared by apps/server (all-in-one), apps/api and apps/projector. A bad
 * configuration stops at once (exit 2) naming the variable. A database that is not reachable yet is
 * retried with exponential backoff for up to a minute — containers often start before their
 * database — and then the process exits 1 with the last error.
 */
export async function bootstrap(role: CausewayRole, env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  let config: CausewayConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`Invalid configuration: ${problem.variable} ${problem.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  if (role !== 'all' && readModelConfig(config).type !== 'postgres') {
    process.stderr.write(
      `Invalid configuration: CAUSEWAY_STORE must be postgres (or eventstoredb with DATABASE_URL) to run apps/${role}: ` +
        'separate processes share the read models in PostgreSQL\n',
    );
    process.exit(2);
  }

  const started = Date.now();
  for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      const app = await createCausewayApp({ config, role });
      await app.listen(config.PORT, config.HOST);
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      process.stdout.write(
        `Causeway ${role === 'all' ? 'server' : role} is listening on http://localhost:${port} ` +
          `(store: ${config.CAUSEWAY_STORE}, data: ${config.DATABASE_URL ? 'PostgreSQL' : config.CAUSEWAY_DATA_DIR}); API docs at /docs\n`,
      );
      return app;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!isRetryableStartupError(error) || Date.now() - started + delay > STARTUP_DEADLINE_MS) {
        process.stderr.write(`Causeway failed to start: ${message}\n`);
        process.exit(1);
      }
      process.stderr.write(`Causeway cannot reach its database yet (${message}); retrying in ${delay} ms\n`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function isRetryableStartupError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (name === 'StoreUnavailableError') return true;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|57P03|08\d{3})$/.test(code)) return true;
  return typeof message === 'string' && /Connection terminated|connect ECONNREFUSED|the database system is starting up/.test(message);
}
