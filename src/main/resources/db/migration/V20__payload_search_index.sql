-- Payload search (GET /api/webhooks/events?payload=…): JSON containment, which a GIN index with jsonb_path_ops
-- answers (smaller than the default operator class, and containment is the only operator searches use).
-- On the parent only: no partition is locked or scanned here. The index is INVALID until every partition has its
-- own, which the PartitionedIndexes callback builds right after this migration, one partition at a time and
-- CONCURRENTLY, so deliveries go on meanwhile; partitions created later get theirs when they are attached.
CREATE INDEX IF NOT EXISTS webhook_events_payload_idx ON ONLY webhook_events USING gin (payload jsonb_path_ops);
