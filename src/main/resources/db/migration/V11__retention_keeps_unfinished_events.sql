-- Retention never removes an event that is not finished: a failed, dead or processing event still needs a retry or
-- an operator's replay, however old its day is. Before a day's partitions are dropped, this keeps its unfinished
-- events and their attempts: they are saved, the day's two partitions are emptied (TRUNCATE frees the space of the
-- finished events at once) and the saved rows go back in. Only the day's own partitions are locked (ACCESS
-- EXCLUSIVE, for the milliseconds this takes): deliveries write today's partition and never wait for it, and the
-- rows stay where every query, replay and claim finds them, under their own receipt time. A day that kept nothing
-- is then dropped whole as before; a day that kept events stays, holding only those, until they finish.
-- webhook_inbox_expired_partitions, which decides what is dropped, now leaves out every day holding an unfinished
-- event: replicas of the previous build, which drop what it lists, run safely beside this one during a rollout.

-- Events that still need work; everything else (processed, stale, ignored) is finished.
CREATE FUNCTION webhook_inbox_unfinished(status text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT status IN ('failed', 'dead', 'processing') $$;

-- Partitions whose whole day ends at or before the cutoff and that hold no unfinished event (attempts first, so
-- they go before their events).
CREATE OR REPLACE FUNCTION webhook_inbox_expired_partitions(cutoff timestamptz)
  RETURNS TABLE (parent text, child text, detach_pending boolean) LANGUAGE sql STABLE AS $$
  SELECT p.relname::text, c.relname::text, i.inhdetachpending
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
   WHERE p.relname IN ('webhook_events', 'webhook_event_attempts')
     AND p.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
     AND c.relname ~ '_p[0-9]{8}$'
     AND (to_date(right(c.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= cutoff
     AND NOT EXISTS (SELECT 1 FROM webhook_events e
                      WHERE e.received_at >= to_date(right(c.relname, 8), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC'
                        AND e.received_at < (to_date(right(c.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC'
                        AND webhook_inbox_unfinished(e.status))
   ORDER BY right(c.relname, 8), p.relname = 'webhook_events'
$$;

-- The days whose inbox partition ends at or before the cutoff, oldest first.
CREATE FUNCTION webhook_inbox_expired_days(cutoff timestamptz) RETURNS SETOF date LANGUAGE sql STABLE AS $$
  SELECT to_date(right(c.relname, 8), 'YYYYMMDD')
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = 'webhook_events'::regclass AND NOT i.inhdetachpending AND c.relname ~ '_p[0-9]{8}$'
     AND (to_date(right(c.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= cutoff
   ORDER BY 1
$$;

-- Empties the day's partitions of finished events, keeping the unfinished ones and their attempts; returns how many
-- events the day keeps. A day without finished events is left untouched. Run it in a transaction with a lock
-- timeout: it waits for the day's partitions only.
CREATE FUNCTION webhook_inbox_keep_unfinished(day date) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  events regclass := to_regclass('webhook_events_p' || to_char(day, 'YYYYMMDD'));
  attempts regclass := to_regclass('webhook_event_attempts_p' || to_char(day, 'YYYYMMDD'));
  low timestamptz := day::timestamp AT TIME ZONE 'UTC';
  high timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
  kept_events webhook_events[];
  kept_attempts webhook_event_attempts[];
BEGIN
  IF events IS NULL THEN
    RETURN 0;
  END IF;
  -- The attempts partition may be gone already (a run stopped between the two drops); the events one decides.
  EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', concat_ws(', ', events, attempts));
  -- Read through the parents (the day's range prunes to its partitions) to get the parents' row types.
  SELECT coalesce(array_agg(e), '{}') INTO kept_events FROM webhook_events e
   WHERE e.received_at >= low AND e.received_at < high AND webhook_inbox_unfinished(e.status);
  IF NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.received_at >= low AND e.received_at < high
                    AND NOT webhook_inbox_unfinished(e.status)) THEN
    RETURN cardinality(kept_events);
  END IF;
  SELECT coalesce(array_agg(a), '{}') INTO kept_attempts FROM webhook_event_attempts a
   WHERE a.event_received_at >= low AND a.event_received_at < high
     AND a.event_row_id IN (SELECT (k).id FROM unnest(kept_events) k);
  EXECUTE format('TRUNCATE %s', concat_ws(', ', events, attempts));
  -- Straight into the partitions: the statistics rollup, kept by statement triggers on the parent, already counts
  -- these events once and must not count them again.
  EXECUTE format('INSERT INTO %s SELECT * FROM unnest($1)', events) USING kept_events;
  IF attempts IS NOT NULL THEN
    EXECUTE format('INSERT INTO %s SELECT * FROM unnest($1)', attempts) USING kept_attempts;
  END IF;
  RETURN cardinality(kept_events);
END $$;
