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

-- Row-level: the common statement touches one event and pays almost nothing (an insert as 'processing' and a
-- lease renewal return at once). Statements that touch many events (a scheduler's claim, a bulk replay) take
-- the advisory lock RollupLocks.MULTI_ROW first, so they never run side by side and lock rollup rows in
-- conflicting orders; a one-event transaction locks one rollup row (then, maybe, one latency row, which those
-- statements never touch), so it cannot close a deadlock with them.
CREATE FUNCTION webhook_event_stats_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  shard_of smallint := (NEW.id % 8)::smallint;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status
     AND OLD.processing_ms IS NOT DISTINCT FROM NEW.processing_ms THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.status <> 'processing' THEN
    UPDATE webhook_event_stats
       SET events = events - 1,
           timed = timed - (OLD.processing_ms IS NOT NULL)::int,
           processing_ms_sum = processing_ms_sum - coalesce(OLD.processing_ms, 0)
     WHERE hour = date_trunc('hour', OLD.received_at, 'UTC') AND source = OLD.source
       AND event_type = OLD.event_type AND status = OLD.status AND shard = shard_of;
  END IF;
  IF NEW.status <> 'processing' THEN
    INSERT INTO webhook_event_stats AS s
    VALUES (date_trunc('hour', NEW.received_at, 'UTC'), NEW.source, NEW.event_type, NEW.status, shard_of, 1,
            (NEW.processing_ms IS NOT NULL)::int, coalesce(NEW.processing_ms, 0))
    ON CONFLICT (hour, source, event_type, status, shard) DO UPDATE
      SET events = s.events + 1, timed = s.timed + EXCLUDED.timed,
          processing_ms_sum = s.processing_ms_sum + EXCLUDED.processing_ms_sum;
    IF NEW.status IN ('processed', 'stale') AND NEW.processing_ms IS NOT NULL
       AND (TG_OP = 'INSERT' OR OLD.status NOT IN ('processed', 'stale')) THEN
      INSERT INTO webhook_event_latency AS l
      VALUES (date_trunc('hour', NEW.received_at, 'UTC'), NEW.source, NEW.event_type,
              webhook_latency_bucket(NEW.processing_ms), shard_of, 1)
      ON CONFLICT (hour, source, event_type, bucket, shard) DO UPDATE SET events = l.events + 1;
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER webhook_event_stats
  AFTER INSERT OR UPDATE OF status, processing_ms ON webhook_events
  FOR EACH ROW EXECUTE FUNCTION webhook_event_stats_apply();

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
