import type { ValueTransformer } from 'typeorm';

/**
 * Column conventions shared by the read-model entities, chosen so the same entities and migration
 * run on SQLite today and PostgreSQL later:
 * - times are ISO-8601 UTC text (`varchar(32)`): both databases compare text the same way, and the
 *   projections normalise every time to `YYYY-MM-DDTHH:mm:ss.sssZ`, whose lexical order is time order;
 *   SQLite has no timestamp type and `timestamptz` would come back as a Date in one driver and text in
 *   the other;
 * - JSON is `simple-json` (text): SQLite has no json column type, and the documents are only read
 *   whole, never queried inside.
 */
export const TIMESTAMP = { type: 'varchar', length: 32 } as const;

/** PostgreSQL returns `bigint` as a string (it can exceed 2^53); log positions never do. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export const POSITION = { type: 'bigint', transformer: bigintAsNumber } as const;
