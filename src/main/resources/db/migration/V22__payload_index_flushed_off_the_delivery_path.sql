-- Payload search's GIN index (V20) takes new entries into a pending list, and the insert that finds the list past
-- gin_pending_list_limit (4 MB by default) merges the whole list into the index itself, inside its group commit:
-- 100-200 ms every 15-20 s at 1,000 events/s, while that batch's senders wait and the replica's in-flight limit
-- fills (measured: 81 of 25,050 deliveries refused with 503 in the open-model benchmark). The service now calls
-- this function every second (PayloadIndexVerticle) so the list is merged off the delivery path, and the parts
-- being written get a 32 MB limit, so a delivery merges it itself only when that has fallen seconds behind.
-- Returns the pending-list pages merged; null when another replica is doing it. SECURITY DEFINER because merging
-- a pending list needs the index's owner (the migrating role), whichever role the service runs as.
CREATE FUNCTION webhook_inbox_flush_payload_index() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT SET lock_timeout = '1s' AS $$
DECLARE
  flushed bigint := 0;
  part record;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('webhook-inbox.payload-index')) THEN
    RETURN NULL;
  END IF;
  -- Today's and yesterday's partitions: deliveries write the first, retries mostly the second (an update that
  -- changes the status writes new index entries too).
  FOR part IN
    SELECT x.indexrelid::regclass AS index, c.reloptions
      FROM pg_inherits h
      JOIN pg_index x ON x.indexrelid = h.inhrelid
      JOIN pg_class c ON c.oid = x.indexrelid
     WHERE h.inhparent = to_regclass('webhook_events_payload_idx')
       AND x.indrelid IN (to_regclass('webhook_events_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD')),
                          to_regclass('webhook_events_p' || to_char(now() AT TIME ZONE 'UTC' - interval '1 day',
                                                                    'YYYYMMDD')))
  LOOP
    IF NOT coalesce('gin_pending_list_limit=32768' = ANY (part.reloptions), false) THEN
      -- Set here rather than where partitions are made: parts built after a migration (PartitionedIndexes) get it
      -- too. SHARE UPDATE EXCLUSIVE on the index: deliveries go on meanwhile.
      EXECUTE format('ALTER INDEX %s SET (gin_pending_list_limit = 32768)', part.index);
    END IF;
    flushed := flushed + gin_clean_pending_list(part.index);
  END LOOP;
  RETURN flushed;
END $$;
