import type { ClientBase } from 'pg';

export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** `schema_migrations.component` of the event log; other components may keep their versions beside it. */
export const EVENT_STORE_COMPONENT = 'event-store';

/**
 * Two-key advisory lock ids (a space apart from the one-key locks appends take per stream):
 * `LOCK_CLASS` marks Causeway, the second key the purpose.
 */
export const LOCK_CLASS = 0x43617573; // 'Caus'
export const MIGRATION_LOCK = 1;
export const SEQUENCER_LOCK = 2;

/** Notification channels (per database). */
export const APPENDED_CHANNEL = 'causeway_events_appended';
export const SEQUENCED_CHANNEL = 'causeway_events_sequenced';

/**
 * Schema versions, applied in order, each in its own transaction, recorded in `schema_migrations`.
 * Append new entries; never edit one that has shipped.
 *
 * `events` is append-only and written by appenders: each row carries the id of the transaction
 * that wrote it (`transaction_id`) and `seq`, its insertion order. Neither is a position readers
 * may checkpoint (see ADR 0006): `seq` values commit out of order, and `(transaction_id, seq)`
 * grows in the order rows become safe to read, not in insertion order. That pair is the primary
 * key, because it is also the order the sequencer scans in: one index fewer to maintain per row
 * than a `seq` key plus a scan index (measured ~20% cheaper inserts).
 *
 * `event_log` is written only by the sequencer: the dense `position`, the time the event entered
 * the log and the hash chain. It references the event's key without a foreign key: the check
 * would cost a lookup per sequenced event, and the sequencer only inserts keys it has just read.
 *
 * `data` and `metadata` are the RFC 8785 text that is hashed, not `jsonb`: jsonb re-orders keys,
 * cannot store `\u0000` and would make "the bytes that were hashed" a matter of re-serialising.
 * Cast to jsonb (`data::jsonb`) for ad-hoc queries.
 */
export const POSTGRES_EVENT_STORE_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'event log',
    sql: `
CREATE TABLE events (
  transaction_id xid8    NOT NULL DEFAULT pg_current_xact_id(),
  seq            bigint  GENERATED ALWAYS AS IDENTITY,
  stream_id      text    NOT NULL,
  version        integer NOT NULL,
  id             text    NOT NULL,
  type           text    NOT NULL,
  data           text    NOT NULL,
  metadata       text    NOT NULL,
  occurred_at    text    NOT NULL,
  recorded_at    text    NOT NULL,
  actor          text    NOT NULL,
  CONSTRAINT events_pkey PRIMARY KEY (transaction_id, seq),
  CONSTRAINT events_id_unique UNIQUE (id),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, version)
);

CREATE TABLE event_log (
  position             bigint NOT NULL,
  event_transaction_id xid8   NOT NULL,
  event_seq            bigint NOT NULL,
  recorded_at          text   NOT NULL,
  hash                 text   NOT NULL,
  prev_hash            text   NOT NULL,
  CONSTRAINT event_log_pkey PRIMARY KEY (position),
  CONSTRAINT event_log_event_unique UNIQUE (event_transaction_id, event_seq)
);

-- One row: where the sequencer stands. It moves in the same statement as the event_log rows it
-- covers, and the move is conditional on the old position, so two sequencers cannot both extend it.
CREATE TABLE event_log_head (
  singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position       bigint  NOT NULL,
  hash           text    NOT NULL,
  recorded_at    text    NOT NULL,
  transaction_id xid8    NOT NULL,
  seq            bigint  NOT NULL
);
INSERT INTO event_log_head (position, hash, recorded_at, transaction_id, seq)
VALUES (0, repeat('0', 64), '', '0', 0);

/*
 * Appends a group of appends in one transaction and returns one row per append, in order.
 * Set-based: a handful of statements whatever the group size (a statement per append measured
 * ~60 µs each), and the per-event fields arrive as JSON arrays, which parse faster on both ends
 * than text[] literals.
 *
 * Every stream of the group is locked (transaction-scoped advisory lock, ascending key order, so
 * two groups cannot deadlock) BEFORE the transaction writes anything, i.e. before it is given a
 * transaction id. So whoever appends to a stream after us gets its lock after our commit and a
 * larger transaction id than ours: the (transaction_id, seq) order the sequencer uses keeps every
 * stream's versions in order. A row lock or unique-index wait does not give that: INSERT takes its
 * transaction id before it waits on a conflicting key.
 *
 * Outcomes: 'ok' (seqs = the rows written), 'duplicate' (every id already stored as this exact
 * append: last_seq / transaction_id of its original last event), 'wrong_version', 'duplicate_id'
 * (some ids stored, or stored elsewhere: conflict_id / conflict_stream). Only 'ok' writes. The
 * caller never puts one event id into two appends of a group: such repeats go to the next group,
 * where the first one's rows are visible.
 */
CREATE FUNCTION causeway_append(
  p_stream_ids  text[],
  p_expected    bigint[],   -- >= 0: that version; -1 any; -2 no_stream; -3 exists
  p_counts      integer[],
  p_ids         json,
  p_types       json,
  p_data        json,
  p_metadata    json,
  p_occurred_at json,
  p_actors      json,
  p_recorded_at text,
  p_notify      boolean
) RETURNS TABLE (
  outcome         text,
  actual_version  integer,
  last_seq        bigint,
  transaction_id  text,
  seqs            bigint[],
  conflict_id     text,
  conflict_stream text
) LANGUAGE plpgsql
-- Every statement inside is a key lookup. Plans are cached per session, and one made while the
-- table was nearly empty would scan it in full for as long as it stays cached (measured: a
-- throughput collapse to ~1k appends/s until autovacuum's ANALYZE); keep them on the indexes.
SET enable_seqscan = off
SET plan_cache_mode = auto
AS $fn$
DECLARE
  appends      integer := coalesce(array_length(p_stream_ids, 1), 0);
  ev_append    integer[];
  streams      text[];
  versions     integer[];
  stored_ids   text[];
  hit          integer[];
  ok           boolean[] := '{}';
  from_v       integer[] := '{}';
  first_ord    integer[] := '{}';
  acc_end      integer[] := array_fill(NULL::integer, ARRAY[appends]);
  accepted     integer := 0;
  all_seqs     bigint[];
  ids_i        text[];
  i            integer;
  si           integer;
  n            integer;
  next_ord     integer := 1;
  expected     bigint;
  cur          integer;
  found_n      integer;
  exact        boolean;
  orig_last    bigint;
  first_v      integer;
  found_tx     text;
  found_id     text;
  found_stream text;
  my_tx        text;
  -- Per-append outputs are pre-sized: assigning element i of an empty array makes an array whose
  -- lower bound is i, and unnest() below would then pair one append's values with another's.
  o_outcome    text[] := '{}';
  o_actual     integer[] := '{}';
  o_last       bigint[] := array_fill(NULL::bigint, ARRAY[appends]);
  o_tx         text[] := array_fill(NULL::text, ARRAY[appends]);
  o_first      integer[] := array_fill(NULL::integer, ARRAY[appends]);
  o_cid        text[] := array_fill(NULL::text, ARRAY[appends]);
  o_cstream    text[] := array_fill(NULL::text, ARRAY[appends]);
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'causeway_append must be the first write of its transaction (stream order relies on it)';
  END IF;
  -- Acknowledged appends are durable whatever the session or role sets.
  PERFORM set_config('synchronous_commit', 'on', true);

  -- A sorted, distinct subquery is not flattened: the locks are taken in key order.
  PERFORM pg_advisory_xact_lock(locks.k)
  FROM (SELECT DISTINCT hashtextextended(s, 0) AS k FROM unnest(p_stream_ids) AS s ORDER BY 1) AS locks;

  SELECT array_agg(d.s), array_agg((SELECT coalesce(max(e.version), 0) FROM events e WHERE e.stream_id = d.s))
  INTO streams, versions
  FROM (SELECT DISTINCT s FROM unnest(p_stream_ids) AS s) AS d;

  SELECT array_agg(e.id) INTO stored_ids
  FROM events e WHERE e.id = ANY (ARRAY(SELECT json_array_elements_text(p_ids)));

  -- The append (1-based) each event belongs to.
  SELECT array_agg(a.i ORDER BY a.i) INTO ev_append
  FROM generate_series(1, appends) AS a (i) CROSS JOIN LATERAL generate_series(1, p_counts[a.i]) AS g (j);

  IF stored_ids IS NOT NULL THEN
    SELECT array_agg(DISTINCT ev.ix) INTO hit
    FROM ROWS FROM (json_array_elements_text(p_ids), unnest(ev_append)) AS ev (id, ix)
    WHERE ev.id = ANY (stored_ids);
  END IF;

  FOR i IN 1 .. appends LOOP
    n := p_counts[i];
    si := array_position(streams, p_stream_ids[i]);
    cur := versions[si];
    expected := p_expected[i];
    first_ord[i] := next_ord;
    ok[i] := false;
    o_actual[i] := cur;
    IF hit IS NULL OR NOT (i = ANY (hit)) THEN
      IF expected = -1 OR (expected = -2 AND cur = 0) OR (expected = -3 AND cur > 0) OR expected = cur THEN
        ok[i] := true;
        from_v[i] := cur;
        versions[si] := cur + n;
        o_outcome[i] := 'ok';
        o_actual[i] := cur + n;
        o_first[i] := accepted + 1;
        accepted := accepted + n;
        acc_end[i] := accepted;
      ELSE
        o_outcome[i] := 'wrong_version';
      END IF;
    ELSE
      -- Rare: some ids are stored. A repeat of a stored append, or a conflict?
      SELECT array_agg(t.x ORDER BY t.o) INTO ids_i
      FROM json_array_elements_text(p_ids) WITH ORDINALITY AS t (x, o)
      WHERE t.o >= next_ord AND t.o < next_ord + n;
      SELECT f.version INTO first_v FROM events f WHERE f.id = ids_i[1];
      SELECT count(e.seq), coalesce(bool_and(e.stream_id = p_stream_ids[i] AND e.version = first_v + a.ord - 1), false),
             max(e.seq) FILTER (WHERE a.ord = n), max(e.transaction_id::text) FILTER (WHERE a.ord = n)
      INTO found_n, exact, orig_last, found_tx
      FROM unnest(ids_i) WITH ORDINALITY AS a (id, ord)
      LEFT JOIN events e ON e.id = a.id;
      IF found_n = n AND exact THEN
        o_outcome[i] := 'duplicate';
        o_last[i] := orig_last;
        o_tx[i] := found_tx;
      ELSE
        o_outcome[i] := 'duplicate_id';
        SELECT a.id, e.stream_id INTO found_id, found_stream
        FROM unnest(ids_i) WITH ORDINALITY AS a (id, ord)
        JOIN events e ON e.id = a.id
        ORDER BY a.ord LIMIT 1;
        o_cid[i] := found_id;
        o_cstream[i] := found_stream;
      END IF;
    END IF;
    next_ord := next_ord + n;
  END LOOP;

  IF accepted > 0 THEN
    -- Rows are inserted, and so numbered, in append order and version order within an append.
    WITH ins AS (
      INSERT INTO events (stream_id, version, id, type, data, metadata, occurred_at, recorded_at, actor)
      SELECT p_stream_ids[ev.ix], from_v[ev.ix] + (ev.ord - first_ord[ev.ix] + 1)::integer, ev.id, ev.type, ev.data,
             ev.metadata, ev.occurred_at, p_recorded_at, ev.actor
      FROM ROWS FROM (
        json_array_elements_text(p_ids), json_array_elements_text(p_types), json_array_elements_text(p_data),
        json_array_elements_text(p_metadata), json_array_elements_text(p_occurred_at), json_array_elements_text(p_actors),
        unnest(ev_append)
      ) WITH ORDINALITY AS ev (id, type, data, metadata, occurred_at, actor, ix, ord)
      WHERE ok[ev.ix]
      ORDER BY ev.ord
      RETURNING events.seq
    )
    SELECT array_agg(ins.seq ORDER BY ins.seq) INTO all_seqs FROM ins;
    my_tx := pg_current_xact_id()::text;
    FOR i IN 1 .. appends LOOP
      IF ok[i] THEN
        o_last[i] := all_seqs[acc_end[i]];
        o_tx[i] := my_tx;
      END IF;
    END LOOP;
    IF p_notify THEN
      PERFORM pg_notify('${APPENDED_CHANNEL}', '');
    END IF;
  END IF;

  RETURN QUERY
  SELECT r.outcome, r.actual, r.last, r.tx,
         CASE WHEN r.outcome = 'ok' THEN all_seqs[r.first : r.last_ix] END,
         r.cid, r.cstream
  FROM unnest(o_outcome, o_actual, o_last, o_tx, o_first, acc_end, o_cid, o_cstream)
       AS r (outcome, actual, last, tx, first, last_ix, cid, cstream);
END;
$fn$;
`,
  },
];

/**
 * Brings the database to the newest schema. A session-level advisory lock makes processes that
 * start together take turns; each step runs in its own transaction with its version row, so a
 * failed step leaves the previous version in place.
 */
export async function migratePostgresEventStore(client: ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        component  text        NOT NULL,
        version    integer     NOT NULL,
        name       text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT schema_migrations_pkey PRIMARY KEY (component, version)
      )`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT coalesce(max(version), 0) AS version FROM schema_migrations WHERE component = $1',
      [EVENT_STORE_COMPONENT],
    );
    const current = rows[0].version;
    const newest = POSTGRES_EVENT_STORE_MIGRATIONS.length;
    if (current > newest) {
      throw new Error(`event store schema version ${current} is newer than this build understands (${newest}); upgrade Causeway`);
    }
    for (const migration of POSTGRES_EVENT_STORE_MIGRATIONS.slice(current)) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)', [
          EVENT_STORE_COMPONENT,
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]).catch(() => undefined);
  }
}
