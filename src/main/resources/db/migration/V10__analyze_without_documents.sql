-- ANALYZE (run by autovacuum whenever a table has changed by a tenth) samples 30,000 rows and sorts every column's
-- values. No query filters on the stored JSON documents, so their statistics were never used, yet sorting them
-- (jsonb comparisons of detoasted documents) was most of the work: measured on a day's partition and on orders of
-- 241,000 rows each, 0.80 and 0.78 s of one core, 0.31 and 0.29 s without them. That burst of CPU lands in the
-- latency of every delivery it runs beside. Statistics target 0: ANALYZE skips the column.
-- SET STATISTICS takes SHARE UPDATE EXCLUSIVE: deliveries (ROW EXCLUSIVE) and reads go on meanwhile.

ALTER TABLE webhook_events ALTER COLUMN payload SET STATISTICS 0;  -- the parent and every partition it has now
ALTER TABLE orders ALTER COLUMN candidate SET STATISTICS 0, ALTER COLUMN document SET STATISTICS 0;
ALTER TABLE payments ALTER COLUMN document SET STATISTICS 0;

-- A partition made from the parent (LIKE, then ATTACH) does not take the parent's per-column statistics targets:
-- each new partition now copies every one its parent has (payload's 0 here, and any set later).
CREATE OR REPLACE FUNCTION webhook_inbox_add_partitions(first_day date, last_day date) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  created integer := 0;
  day date;
  parent text;
  child text;
  target record;
BEGIN
  FOR day IN SELECT d::date FROM generate_series(first_day, last_day, interval '1 day') d LOOP
    FOREACH parent IN ARRAY ARRAY['webhook_events', 'webhook_event_attempts'] LOOP
      child := parent || '_p' || to_char(day, 'YYYYMMDD');
      CONTINUE WHEN to_regclass(quote_ident(child)) IS NOT NULL;
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', child, parent);
      FOR target IN SELECT attname, attstattarget FROM pg_attribute
                     WHERE attrelid = parent::regclass AND attnum > 0 AND NOT attisdropped AND attstattarget >= 0 LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET STATISTICS %s', child, target.attname, target.attstattarget);
      END LOOP;
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, child,
                     day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    END LOOP;
  END LOOP;
  RETURN created;
END $$;
