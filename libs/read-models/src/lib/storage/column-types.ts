import type { ValueTransformer } from 'typeorm';

/**
 * Column conventions shared by the read-model entities. Decorators are evaluated once, so the
 * entities describe columns portably and each driver's migration picks the real types (ADR 0008):
 * - times are ISO-8601 UTC text to the entities: `varchar(32)` on SQLite (no timestamp type there;
 *   the projections normalise every time to `YYYY-MM-DDTHH:mm:ss.sssZ`, whose lexical order is time
 *   order) and `timestamptz` on PostgreSQL, which the read-model data source reads back as the same
 *   text (`storedTime` normalises whatever else a driver might hand back);
 * - JSON is `simple-json` to the entities: text on SQLite, `jsonb` on PostgreSQL. The PostgreSQL
 *   data source hands `jsonb` over unparsed so that TypeORM's `simple-json` parses it exactly once
 *   on both drivers (a JSON string value would otherwise be parsed twice).
 */
export const TIMESTAMP = { type: 'varchar', length: 32 } as const;

/** PostgreSQL returns `bigint` as a string (it can exceed 2^53); log positions never do. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export const POSITION = { type: 'bigint', transformer: bigintAsNumber } as const;

/**
 * A time column as the API shows it: ISO-8601 UTC with milliseconds. Text from SQLite (already in
 * that shape) and from the PostgreSQL data source passes through; a `Date` (a `timestamptz` read
 * through a connection without the data source's type parsers) is formatted.
 */
export function storedTime(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

export function storedTimeOrNull(value: string | Date | null): string | null {
  return value === null ? null : storedTime(value);
}
