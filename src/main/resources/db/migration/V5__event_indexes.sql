-- Built CONCURRENTLY, so a large inbox keeps taking deliveries while they build (Flyway runs this file outside a
-- transaction, which is why it holds nothing else).
-- Event listings newest first (keyset pagination on received_at, id); also serves every received-time range.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_events_received_id_idx ON webhook_events (received_at DESC, id DESC);
DROP INDEX CONCURRENTLY IF EXISTS webhook_events_received_at_idx;
