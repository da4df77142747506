import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/**
 * The environment contract of API.md (Configuration). Everything is validated once at start-up;
 * a bad value stops the process with a message that names the variable.
 */
const environmentShape = z.object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    CAUSEWAY_DATA_DIR: z.string().min(1).default('./data'),
    CAUSEWAY_STORE: z.enum(['sqlite', 'postgres', 'eventstoredb']).default('sqlite'),
    DATABASE_URL: z.string().url().optional(),
    EVENTSTOREDB_URL: z.string().min(1).optional(),
    KAFKA_BROKERS: z.string().min(1).optional(),
    CAUSEWAY_BOOTSTRAP_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    CAUSEWAY_WEBHOOK_ALLOW_PRIVATE: booleanString.default(false),
    CAUSEWAY_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
    CAUSEWAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Log one line per HTTP request (off by default: the commands themselves are in the log). */
    CAUSEWAY_LOG_REQUESTS: booleanString.default(false),
});

export const configSchema = environmentShape.superRefine((config, ctx) => {
    if (config.CAUSEWAY_STORE === 'postgres' && !config.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required when CAUSEWAY_STORE=postgres' });
    }
    if (config.CAUSEWAY_STORE === 'eventstoredb' && !config.EVENTSTOREDB_URL) {
      ctx.addIssue({ code: 'custom', path: ['EVENTSTOREDB_URL'], message: 'is required when CAUSEWAY_STORE=eventstoredb' });
    }
  });

export type CausewayConfig = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming each bad variable. Empty strings count as unset. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): CausewayConfig {
  const relevant = Object.fromEntries(
    Object.keys(environmentShape.shape).flatMap((name) => {
      const value = env[name];
      return value === undefined || value === '' ? [] : [[name, value]];
    }),
  );
  const result = configSchema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? 'environment'), message: issue.message })),
    );
  }
  return result.data;
}

export const CAUSEWAY_CONFIG = Symbol('CAUSEWAY_CONFIG');
