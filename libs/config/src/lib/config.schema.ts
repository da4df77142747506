import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseCauseTaxonomy, type CauseTaxonomyEntry } from './cause-taxonomy';

const booleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/**
 * The environment README.md documents (section 4, Configuration). Everything is validated once at start-up;
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
    /** A JSON file with the RCA cause taxonomy; read and checked by loadConfig. Unset: the default taxonomy. */
    CAUSEWAY_CAUSE_TAXONOMY_FILE: z.string().min(1).optional(),
});

export const configSchema = environmentShape.superRefine((config, ctx) => {
    if (config.CAUSEWAY_STORE === 'postgres' && !config.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required when CAUSEWAY_STORE=postgres' });
    }
    if (config.CAUSEWAY_STORE === 'eventstoredb' && !config.EVENTSTOREDB_URL) {
      ctx.addIssue({ code: 'custom', path: ['EVENTSTOREDB_URL'], message: 'is required when CAUSEWAY_STORE=eventstoredb' });
    }
  });

export type CausewayConfig = z.output<typeof configSchema> & {
  /** The taxonomy read from CAUSEWAY_CAUSE_TAXONOMY_FILE; null when unset (the domain's default applies). */
  readonly causeTaxonomy: readonly CauseTaxonomyEntry[] | null;
};

export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment and reads the files it names; throws ConfigError naming each bad
 * variable. Empty strings count as unset.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): CausewayConfig {
  const relevant: Record<string, string> = Object.fromEntries(
    Object.keys(environmentShape.shape).flatMap((name) => {
      const value = env[name];
      return value === undefined || value === '' ? [] : [[name, value]];
    }),
  );
  const result = configSchema.safeParse(relevant);
  const problems: ConfigProblem[] = result.success
    ? []
    : result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? 'environment'), message: issue.message }));

  // Read even when other variables are wrong, so one start-up reports every problem at once.
  const taxonomyFile = relevant['CAUSEWAY_CAUSE_TAXONOMY_FILE'];
  const taxonomy = taxonomyFile === undefined ? null : readCauseTaxonomy(taxonomyFile);
  if (taxonomy !== null && !taxonomy.ok) problems.push(...taxonomy.problems);

  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return { ...result.data, causeTaxonomy: taxonomy?.ok ? taxonomy.categories : null };
}

type TaxonomyRead = { readonly ok: true; readonly categories: readonly CauseTaxonomyEntry[] } | { readonly ok: false; readonly problems: ConfigProblem[] };

function readCauseTaxonomy(file: string): TaxonomyRead {
  const variable = 'CAUSEWAY_CAUSE_TAXONOMY_FILE';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    // Duck-typed: fs errors may come from another realm (e.g. under Jest), where instanceof fails.
    const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
    const problem = code === 'ENOENT' ? `${file} does not exist` : `${file} cannot be read (${typeof message === 'string' ? message : String(error)})`;
    return { ok: false, problems: [{ variable, message: problem }] };
  }
  const parsed = parseCauseTaxonomy(text);
  if (parsed.ok) return parsed;
  return {
    ok: false,
    problems: parsed.problems.map((problem) => ({ variable, message: problem.path === '' ? `${file} ${problem.message}` : `${file}: ${problem.path} ${problem.message}` })),
  };
}

export const CAUSEWAY_CONFIG = Symbol('CAUSEWAY_CONFIG');
