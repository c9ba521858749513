-- Payload search's GIN index (V20) takes new entries into a pending list, and the insert that finds the list past
-- gin_pending_list_limit (4 MB by default) merges the whole list into the index itself, inside its group commit:
-- 100-200 ms every 15-20 s at 1,000 events/s, while that batch's senders wait and the replica's in-flight limit
-- fills (measured: 81 of 25,050 deliveries refused with 503 in the open-model benchmark). The service now calls
-- this function four times a second (PayloadIndexVerticle), so the list is merged off the delivery path before it
-- reaches the limit. The limit itself is left alone: changing it takes an ACCESS EXCLUSIVE lock on the index,
-- which would queue every delivery behind any long transaction on the partition.
-- Returns the pending-list pages merged; null when another replica is doing it. SECURITY DEFINER because merging
-- a pending list needs the index's owner (the migrating role), whichever role the service runs as.
CREATE FUNCTION webhook_inbox_flush_payload_index() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT SET lock_timeout = '1s' AS $$
DECLARE
  flushed bigint := 0;
  part regclass;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('webhook-inbox.payload-index')) THEN
    RETURN NULL;
  END IF;
  -- Today's and yesterday's partitions: deliveries write the first, retries mostly the second (an update that
  -- changes the status writes new index entries too).
  FOR part IN
    SELECT x.indexrelid::regclass
      FROM pg_inherits h
      JOIN pg_index x ON x.indexrelid = h.inhrelid
     WHERE h.inhparent = to_regclass('webhook_events_payload_idx')
       AND x.indrelid IN (to_regclass('webhook_events_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD')),
                          to_regclass('webhook_events_p' || to_char(now() AT TIME ZONE 'UTC' - interval '1 day',
                                                                    'YYYYMMDD')))
  LOOP
    flushed := flushed + gin_clean_pending_list(part);
  END LOOP;
  RETURN flushed;
END $$;
