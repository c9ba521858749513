-- The statistics rollup, kept per statement instead of per row. A statement that writes many events (a group
-- commit of deliveries, a scheduler's claim, a bulk replay) adds its deltas once per rollup row, and every
-- connection writes its own shard (its backend pid modulo 16), so concurrent commits rarely touch the same row.
-- Counts stay exact: each statement adds +1 for a row's new status and -1 for its old one in the writer's shard,
-- so a shard may hold negative counts; readers sum over shards. Rows are written in key order, and every
-- transaction touches the rollup in one statement, so two transactions cannot deadlock on it.

DROP TRIGGER webhook_event_stats ON webhook_events;
DROP FUNCTION webhook_event_stats_apply();

CREATE FUNCTION webhook_event_stats_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  my_shard smallint := (pg_backend_pid() % 16)::smallint;
BEGIN
  INSERT INTO webhook_event_stats AS s
  SELECT date_trunc('hour', received_at, 'UTC'), source, event_type, status, my_shard, count(*),
         count(processing_ms), coalesce(sum(processing_ms), 0)
    FROM new_rows WHERE status <> 'processing'
   GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (hour, source, event_type, status, shard) DO UPDATE
    SET events = s.events + EXCLUDED.events, timed = s.timed + EXCLUDED.timed,
        processing_ms_sum = s.processing_ms_sum + EXCLUDED.processing_ms_sum;
  INSERT INTO webhook_event_latency AS l
  SELECT date_trunc('hour', received_at, 'UTC'), source, event_type, webhook_latency_bucket(processing_ms),
         my_shard, count(*)
    FROM new_rows WHERE status IN ('processed', 'stale') AND processing_ms IS NOT NULL
   GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (hour, source, event_type, bucket, shard) DO UPDATE SET events = l.events + EXCLUDED.events;
  RETURN NULL;
END $$;

CREATE FUNCTION webhook_event_stats_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  my_shard smallint := (pg_backend_pid() % 16)::smallint;
BEGIN
  -- Only rows whose status or processing time changed count (lease renewals and the like do not).
  INSERT INTO webhook_event_stats AS s
  SELECT hour, source, event_type, status, my_shard, sum(events), sum(timed), sum(ms)
    FROM (SELECT date_trunc('hour', o.received_at, 'UTC') AS hour, o.source, o.event_type, o.status,
                 -1 AS events, -(o.processing_ms IS NOT NULL)::int AS timed, -coalesce(o.processing_ms, 0) AS ms
            FROM old_rows o JOIN new_rows n USING (id)
           WHERE o.status <> 'processing'
             AND (o.status IS DISTINCT FROM n.status OR o.processing_ms IS DISTINCT FROM n.processing_ms)
          UNION ALL
          SELECT date_trunc('hour', n.received_at, 'UTC'), n.source, n.event_type, n.status,
                 1, (n.processing_ms IS NOT NULL)::int, coalesce(n.processing_ms, 0)
            FROM old_rows o JOIN new_rows n USING (id)
           WHERE n.status <> 'processing'
             AND (o.status IS DISTINCT FROM n.status OR o.processing_ms IS DISTINCT FROM n.processing_ms)) d
   GROUP BY 1, 2, 3, 4 HAVING sum(events) <> 0 OR sum(timed) <> 0 OR sum(ms) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT (hour, source, event_type, status, shard) DO UPDATE
    SET events = s.events + EXCLUDED.events, timed = s.timed + EXCLUDED.timed,
        processing_ms_sum = s.processing_ms_sum + EXCLUDED.processing_ms_sum;
  -- An event enters the histogram once, when it first becomes applied (processed or stale) with a time.
  INSERT INTO webhook_event_latency AS l
  SELECT date_trunc('hour', n.received_at, 'UTC'), n.source, n.event_type, webhook_latency_bucket(n.processing_ms),
         my_shard, count(*)
    FROM old_rows o JOIN new_rows n USING (id)
   WHERE n.status IN ('processed', 'stale') AND n.processing_ms IS NOT NULL
     AND o.status NOT IN ('processed', 'stale')
   GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (hour, source, event_type, bucket, shard) DO UPDATE SET events = l.events + EXCLUDED.events;
  RETURN NULL;
END $$;

CREATE TRIGGER webhook_event_stats_inserted
  AFTER INSERT ON webhook_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_event_stats_inserted();

CREATE TRIGGER webhook_event_stats_updated
  AFTER UPDATE ON webhook_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_event_stats_updated();
