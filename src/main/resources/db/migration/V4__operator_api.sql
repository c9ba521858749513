-- Operator overrides of the run-time settings, shared by every replica (one row; NOTIFY webhook_inbox_config).
CREATE TABLE runtime_overrides (
  id         smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  overrides  jsonb       NOT NULL,
  version    bigint      NOT NULL,
  updated_by text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Statistics rollup, kept in the same transaction as every status change by the trigger below, so that a
-- 30-day window reads a few thousand rows instead of millions of events. Rows are per UTC hour of receipt and
-- spread over 8 shards (event row id % 8) so concurrent commits do not queue on one row. Events still in
-- 'processing' are not counted here (they are few and short-lived; queries count them from the table).
CREATE TABLE webhook_event_stats (
  hour              timestamptz NOT NULL,
  source            text        NOT NULL,
  event_type        text        NOT NULL,
  status            text        NOT NULL,
  shard             smallint    NOT NULL,
  events            bigint      NOT NULL,
  timed             bigint      NOT NULL,
  processing_ms_sum bigint      NOT NULL,
  PRIMARY KEY (hour, source, event_type, status, shard)
);

-- Processing-time histogram of applied events (processed, stale) for percentiles. Bucket b holds times up to
-- the b-th bound of LatencyBuckets.UPPER_BOUNDS_MS: 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300,
-- 500, 750, 1000, 2000, 5000, 10000, 30000, 60000 ms, and bucket 23 everything above.
CREATE TABLE webhook_event_latency (
  hour       timestamptz NOT NULL,
  source     text        NOT NULL,
  event_type text        NOT NULL,
  bucket     smallint    NOT NULL,
  shard      smallint    NOT NULL,
  events     bigint      NOT NULL,
  PRIMARY KEY (hour, source, event_type, bucket, shard)
);

-- Every commit updates a rollup row; the updated columns are not indexed, so with room left in each page the
-- updates are HOT and pages prune themselves, and vacuum runs early: the tables stay a few MB, not hundreds.
ALTER TABLE webhook_event_stats SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE webhook_event_latency SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.01);

CREATE FUNCTION webhook_latency_bucket(ms integer) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT width_bucket(ms, ARRAY[2, 3, 4, 6, 8, 11, 16, 21, 31, 51, 76, 101, 151, 201, 301, 501, 751, 1001, 2001,
                                 5001, 10001, 30001, 60001])::smallint $$;

-- Statement-level triggers: each statement's changes are summed per rollup row and applied in key order, so
-- statements touching many events (a scheduler's claim, a bulk replay) lock rollup rows in one global order and
-- cannot deadlock each other. Rows in 'processing' are not counted; updates that change neither status nor
-- processing time (lease renewals) change nothing.
CREATE FUNCTION webhook_event_stats_apply(changes jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO webhook_event_stats AS s (hour, source, event_type, status, shard, events, timed, processing_ms_sum)
  SELECT c.hour, c.source, c.event_type, c.status, c.shard, sum(c.events), sum(c.timed), sum(c.ms)
    FROM jsonb_to_recordset(changes) AS c(hour timestamptz, source text, event_type text, status text,
                                          shard smallint, events bigint, timed bigint, ms bigint)
   GROUP BY 1, 2, 3, 4, 5
  HAVING sum(c.events) <> 0 OR sum(c.timed) <> 0 OR sum(c.ms) <> 0
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (hour, source, event_type, status, shard) DO UPDATE
    SET events = s.events + EXCLUDED.events, timed = s.timed + EXCLUDED.timed,
        processing_ms_sum = s.processing_ms_sum + EXCLUDED.processing_ms_sum
$$;

CREATE FUNCTION webhook_event_stats_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM webhook_event_stats_apply(coalesce((
    SELECT jsonb_agg(jsonb_build_object('hour', date_trunc('hour', n.received_at, 'UTC'), 'source', n.source,
             'event_type', n.event_type, 'status', n.status, 'shard', n.id % 8, 'events', 1,
             'timed', (n.processing_ms IS NOT NULL)::int, 'ms', coalesce(n.processing_ms, 0)))
      FROM new_rows n WHERE n.status <> 'processing'), '[]'));
  INSERT INTO webhook_event_latency AS l (hour, source, event_type, bucket, shard, events)
  SELECT date_trunc('hour', n.received_at, 'UTC'), n.source, n.event_type, webhook_latency_bucket(n.processing_ms),
         (n.id % 8)::smallint, count(*)
    FROM new_rows n WHERE n.status IN ('processed', 'stale') AND n.processing_ms IS NOT NULL
   GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (hour, source, event_type, bucket, shard) DO UPDATE SET events = l.events + EXCLUDED.events;
  RETURN NULL;
END $$;

CREATE FUNCTION webhook_event_stats_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM webhook_event_stats_apply(coalesce((
    SELECT jsonb_agg(c) FROM (
      SELECT jsonb_build_object('hour', date_trunc('hour', o.received_at, 'UTC'), 'source', o.source,
               'event_type', o.event_type, 'status', o.status, 'shard', o.id % 8, 'events', -1,
               'timed', -(o.processing_ms IS NOT NULL)::int, 'ms', -coalesce(o.processing_ms, 0)) AS c
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE o.status <> 'processing'
         AND (o.status IS DISTINCT FROM n.status OR o.processing_ms IS DISTINCT FROM n.processing_ms)
      UNION ALL
      SELECT jsonb_build_object('hour', date_trunc('hour', n.received_at, 'UTC'), 'source', n.source,
               'event_type', n.event_type, 'status', n.status, 'shard', n.id % 8, 'events', 1,
               'timed', (n.processing_ms IS NOT NULL)::int, 'ms', coalesce(n.processing_ms, 0))
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE n.status <> 'processing'
         AND (o.status IS DISTINCT FROM n.status OR o.processing_ms IS DISTINCT FROM n.processing_ms)) changes),
    '[]'));
  INSERT INTO webhook_event_latency AS l (hour, source, event_type, bucket, shard, events)
  SELECT date_trunc('hour', n.received_at, 'UTC'), n.source, n.event_type, webhook_latency_bucket(n.processing_ms),
         (n.id % 8)::smallint, count(*)
    FROM old_rows o JOIN new_rows n ON n.id = o.id
   WHERE n.status IN ('processed', 'stale') AND n.processing_ms IS NOT NULL
     AND o.status NOT IN ('processed', 'stale')
   GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (hour, source, event_type, bucket, shard) DO UPDATE SET events = l.events + EXCLUDED.events;
  RETURN NULL;
END $$;

CREATE TRIGGER webhook_event_stats_insert
  AFTER INSERT ON webhook_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_event_stats_after_insert();
CREATE TRIGGER webhook_event_stats_update
  AFTER UPDATE ON webhook_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_event_stats_after_update();

-- Events stored before this migration.
INSERT INTO webhook_event_stats
SELECT date_trunc('hour', received_at, 'UTC'), source, event_type, status, (id % 8)::smallint, count(*),
       count(processing_ms), coalesce(sum(processing_ms), 0)
  FROM webhook_events WHERE status <> 'processing'
 GROUP BY 1, 2, 3, 4, 5;
INSERT INTO webhook_event_latency
SELECT date_trunc('hour', received_at, 'UTC'), source, event_type, webhook_latency_bucket(processing_ms),
       (id % 8)::smallint, count(*)
  FROM webhook_events WHERE status IN ('processed', 'stale') AND processing_ms IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5;
