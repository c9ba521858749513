-- pgbench script of the fixed reference (reference-schema.sql): one transaction per event, as the issue that set
-- the yardstick defines it. UPDATES percent of the events change one of the 100,000 existing orders, the rest
-- create a new one; every event id is unique (run id, client id, per-client counter).
-- Literals holding ':' (timestamps, JSON) come in as -D variables: pgbench would read ':00' as a variable.
\set k :k + 1
\set id :client_id * 1000000000 + :k
\set r random(1, 100)
\set existing random(0, 99999)
BEGIN;
INSERT INTO bench_reference.webhook_events (source, event_id, event_type, external_order_id, payload,
                                            payload_sha256, status, attempts, correlation_id, processed_at)
VALUES ('cisive', 'evt-ref-' || :run || '-' || :id,
        CASE WHEN :r::int <= :updates::int THEN 'OrderUpdated' ELSE 'OrderCreated' END,
        CASE WHEN :r::int <= :updates::int THEN 'ORD-EXISTING-' || :existing ELSE 'ORD-REF-' || :run || '-' || :id END,
        :payload, :sha256, 'PROCESSED', 1, 'pgbench-' || :run || '-' || :id, now())
ON CONFLICT DO NOTHING;
INSERT INTO bench_reference.orders AS o (external_order_id, status, payload, last_event_at, created_by,
                                         source_system)
VALUES (CASE WHEN :r::int <= :updates::int THEN 'ORD-EXISTING-' || :existing ELSE 'ORD-REF-' || :run || '-' || :id END,
        'InProgress', :document, now(), 'pgbench', 'cisive')
ON CONFLICT (external_order_id) DO UPDATE SET status = EXCLUDED.status, payload = EXCLUDED.payload,
  last_event_at = EXCLUDED.last_event_at, version = o.version + 1, updated_on = now()
WHERE o.last_event_at < EXCLUDED.last_event_at;
COMMIT;
