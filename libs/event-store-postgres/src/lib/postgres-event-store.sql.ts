/*
 * The SQL text of the PostgreSQL store's reads and appends (the schema and functions are in the
 * migrations). Each statement runs as a named prepared statement; the names are beside the calls.
 */

const COLUMNS =
  'l.position::text, e.stream_id, e.version, e.id, e.type, e.data, e.metadata, e.occurred_at, l.recorded_at, e.actor, l.hash, l.prev_hash';
const FROM_LOG = 'FROM event_log l JOIN events e ON e.transaction_id = l.event_transaction_id AND e.seq = l.event_seq';

/**
 * A page of the log: the positions first (a range of `event_log`'s primary key), then each event by
 * its key. Written as a plain join, PostgreSQL misjudges how many rows the join keeps (53 estimated
 * for 1.8 million) and hash-joins both whole tables and sorts on disk: seconds per page on a large
 * log. `LIMIT 1` keeps the lateral lookup from being flattened back into that join.
 */
const LOG_PAGE = `FROM (SELECT * FROM event_log WHERE position > $1 ORDER BY position LIMIT $2) l
  CROSS JOIN LATERAL (SELECT * FROM events ev WHERE ev.transaction_id = l.event_transaction_id AND ev.seq = l.event_seq LIMIT 1) e`;

/** The log in order, each event by its key, filtered by type (the limit counts matching events). */
const LOG_TYPED = `FROM event_log l
  CROSS JOIN LATERAL (SELECT * FROM events ev WHERE ev.transaction_id = l.event_transaction_id AND ev.seq = l.event_seq LIMIT 1) e`;

export const APPEND_SQL = 'SELECT * FROM causeway_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';

export const READ_STREAM_SQL = `SELECT ${COLUMNS} ${FROM_LOG} WHERE e.stream_id = $1 AND e.version >= $2 AND e.version <= $3 ORDER BY e.version`;

export const STREAM_VERSION_SQL = `SELECT e.version FROM events e
       WHERE e.stream_id = $1
         AND EXISTS (SELECT 1 FROM event_log l WHERE l.event_transaction_id = e.transaction_id AND l.event_seq = e.seq)
       ORDER BY e.version DESC LIMIT 1`;

export const READ_ALL_SQL = `SELECT ${COLUMNS} ${LOG_PAGE} ORDER BY l.position`;

export const READ_ALL_TYPED_SQL = `SELECT ${COLUMNS} ${LOG_TYPED} WHERE l.position > $1 AND e.type = ANY($3::text[]) ORDER BY l.position LIMIT $2`;

export const FIND_EVENT_SQL = `SELECT ${COLUMNS} ${FROM_LOG} WHERE e.id = $1`;

export const HEAD_SQL = 'SELECT position::text FROM event_log_head';

export const HASH_AT_SQL = 'SELECT hash FROM event_log WHERE position = $1';

export const PREV_HASH_AT_SQL = 'SELECT prev_hash FROM event_log WHERE position = $1';

export const VERIFY_PAGE_SQL = `SELECT ${COLUMNS} ${FROM_LOG} WHERE l.position >= $1 AND l.position <= $2 ORDER BY l.position LIMIT $3`;

/** seq is unique on its own: the two ANYs select exactly these pairs, by index. */
export const POSITIONS_SQL = `SELECT l.event_seq::text, l.position::text
       FROM event_log l
       WHERE l.event_transaction_id = ANY ($1::xid8[]) AND l.event_seq = ANY ($2::bigint[])`;
