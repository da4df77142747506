import 'reflect-metadata';
import { ConfigError, loadConfig } from '@causeway/config';
import { createCausewayApp } from '@causeway/http';

/** The all-in-one process: API, projector (and, later, scheduler and delivery) on the embedded default. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`Invalid configuration: ${problem.variable} ${problem.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createCausewayApp({ config });
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  process.stdout.write(
    `Causeway is listening on http://localhost:${port} (store: ${config.CAUSEWAY_STORE}, data: ${config.CAUSEWAY_DATA_DIR}); API docs at /docs\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Causeway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
