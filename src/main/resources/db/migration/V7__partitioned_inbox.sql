-- The inbox partitioned by UTC day of receipt, so retention drops a day at a time (a partition drop, not a mass
-- DELETE). A partitioned table cannot hold a unique (event_id, source) without the partition key, so idempotency
-- moves to webhook_event_keys: one compact row per event, kept longer than the payloads (retention.dedupKeys), that
-- every insert claims first. Existing rows are copied over in this transaction; the rollup already counts them.

CREATE TABLE webhook_event_keys (
  event_id       text        NOT NULL,
  source         text        NOT NULL,
  -- Where the event is (its partition), and what it carried, for duplicates after the payload is gone.
  received_at    timestamptz NOT NULL,
  payload_sha256 bytea       NOT NULL,
  PRIMARY KEY (event_id, source)
);
-- Keys arrive in time order, so a BRIN index finds the expired ones for almost nothing per insert.
CREATE INDEX webhook_event_keys_received_at_idx ON webhook_event_keys USING brin (received_at);

ALTER TABLE webhook_events RENAME TO webhook_events_v6;
ALTER TABLE webhook_event_attempts RENAME TO webhook_event_attempts_v6;

-- Row ids stay unique across partitions: one sequence (identity columns on partitioned tables need PostgreSQL 17).
CREATE SEQUENCE webhook_events_row_id_seq AS bigint;
SELECT setval('webhook_events_row_id_seq', coalesce((SELECT max(id) FROM webhook_events_v6), 0) + 1, false);

CREATE TABLE webhook_events (
  id               bigint      NOT NULL DEFAULT nextval('webhook_events_row_id_seq'),
  source           text        NOT NULL,
  event_id         text        NOT NULL,
  event_type       text        NOT NULL,
  external_id      text,
  occurred_at      timestamptz,
  schema_version   text,
  payload          jsonb       NOT NULL,
  payload_sha256   text        NOT NULL,
  status           text        NOT NULL,
  attempts         integer     NOT NULL DEFAULT 1,
  next_attempt_at  timestamptz,
  lease_until      timestamptz,
  lease_token      uuid,
  last_error       text,
  resource_version integer,
  correlation_id   text        NOT NULL,
  principal        text,
  received_at      timestamptz NOT NULL,
  processed_at     timestamptz,
  processing_ms    integer,
  CONSTRAINT webhook_events_status_check
    CHECK (status IN ('processing', 'processed', 'stale', 'ignored', 'failed', 'dead'))
) PARTITION BY RANGE (received_at);
ALTER SEQUENCE webhook_events_row_id_seq OWNED BY webhook_events.id;

-- An event's attempts live in the partition of its day, so they are dropped with it.
CREATE TABLE webhook_event_attempts (
  event_row_id      bigint      NOT NULL,
  event_received_at timestamptz NOT NULL,
  attempt           integer     NOT NULL,
  started_at        timestamptz NOT NULL,
  finished_at       timestamptz NOT NULL,
  outcome           text        NOT NULL,
  error             text
) PARTITION BY RANGE (event_received_at);

-- Creates the partitions of the UTC days first_day..last_day that do not exist yet, for both tables. Each is
-- created on its own and then attached, which takes a SHARE UPDATE EXCLUSIVE lock on the parent (inserts go on);
-- CREATE TABLE ... PARTITION OF would take ACCESS EXCLUSIVE. Returns how many partitions it created.
CREATE FUNCTION webhook_inbox_add_partitions(first_day date, last_day date) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  created integer := 0;
  day date;
  parent text;
  child text;
BEGIN
  FOR day IN SELECT d::date FROM generate_series(first_day, last_day, interval '1 day') d LOOP
    FOREACH parent IN ARRAY ARRAY['webhook_events', 'webhook_event_attempts'] LOOP
      child := parent || '_p' || to_char(day, 'YYYYMMDD');
      CONTINUE WHEN to_regclass(quote_ident(child)) IS NOT NULL;
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', child, parent);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, child,
                     day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    END LOOP;
  END LOOP;
  RETURN created;
END $$;

-- Partitions whose whole day ends at or before the cutoff (attempts first, so they go before their events).
CREATE FUNCTION webhook_inbox_expired_partitions(cutoff timestamptz)
  RETURNS TABLE (parent text, child text, detach_pending boolean) LANGUAGE sql STABLE AS $$
  SELECT p.relname::text, c.relname::text, i.inhdetachpending
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
   WHERE p.relname IN ('webhook_events', 'webhook_event_attempts')
     AND p.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
     AND c.relname ~ '_p[0-9]{8}$'
     AND (to_date(right(c.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= cutoff
   ORDER BY right(c.relname, 8), p.relname = 'webhook_events'
$$;

-- Every day the old inbox holds, and the days around today.
SELECT webhook_inbox_add_partitions(d, d)
  FROM (SELECT DISTINCT (received_at AT TIME ZONE 'UTC')::date AS d FROM webhook_events_v6) days;
SELECT webhook_inbox_add_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);

INSERT INTO webhook_events (id, source, event_id, event_type, external_id, occurred_at, schema_version, payload,
                            payload_sha256, status, attempts, next_attempt_at, lease_until, lease_token, last_error,
                            resource_version, correlation_id, principal, received_at, processed_at, processing_ms)
SELECT id, source, event_id, event_type, external_id, occurred_at, schema_version, payload, payload_sha256, status,
       attempts, next_attempt_at, lease_until, lease_token, last_error, resource_version, correlation_id, principal,
       received_at, processed_at, processing_ms
  FROM webhook_events_v6;
INSERT INTO webhook_event_attempts
SELECT a.event_row_id, e.received_at, a.attempt, a.started_at, a.finished_at, a.outcome, a.error
  FROM webhook_event_attempts_v6 a JOIN webhook_events_v6 e ON e.id = a.event_row_id;
INSERT INTO webhook_event_keys
SELECT event_id, source, received_at, decode(payload_sha256, 'hex') FROM webhook_events_v6 ORDER BY received_at;

DROP TABLE webhook_event_attempts_v6;
DROP TABLE webhook_events_v6;

-- The indexes of V1, V2 and V5, now one per partition; built after the copy, which is faster than maintaining them.
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (id, received_at);
CREATE INDEX webhook_events_event_id_source_idx ON webhook_events (event_id, source);
CREATE INDEX webhook_events_external_id_type_idx ON webhook_events (external_id, event_type);
CREATE INDEX webhook_events_received_id_idx ON webhook_events (received_at DESC, id DESC);
CREATE INDEX webhook_events_due_idx ON webhook_events (next_attempt_at) WHERE status = 'failed';
CREATE INDEX webhook_events_lease_idx ON webhook_events (lease_until) WHERE status = 'processing';
CREATE INDEX webhook_events_attention_idx ON webhook_events (received_at) WHERE status IN ('failed', 'dead', 'ignored');
ALTER TABLE webhook_event_attempts
  ADD CONSTRAINT webhook_event_attempts_pkey PRIMARY KEY (event_row_id, attempt, event_received_at);

-- The statement-level rollup of V6, on the partitioned table (transition tables see the rows of every partition).
CREATE TRIGGER webhook_event_stats_inserted
  AFTER INSERT ON webhook_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_event_stats_inserted();

CREATE TRIGGER webhook_event_stats_updated
  AFTER UPDATE ON webhook_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_event_stats_updated();
