-- pgbench script for src/bench/throughput.sh: the minimal equivalent of one accepted Cisive event, as one
-- transaction: claim the event's key (ON CONFLICT DO NOTHING), record the event and upsert its order, with the
-- service's SQL (EventStore.INSERT_NEW, CisiveOrderApplier.UPSERT_ORDER: keep them in step). The event goes in as 'processed'
-- at once, so the statistics trigger does its work on the insert rather than on the service's later update.
-- Unique keys per transaction: run id, client id and a per-client counter (pgbench -D k=0). UPDATES percent of the
-- events change one of the 100,000 existing orders (service-orders.sql), the rest create a new one, as in the wrk
-- script. Literals holding ':' (timestamps, JSON) come in as -D variables: pgbench would read ':00' as a variable.
\set k :k + 1
\set id :client_id * 1000000000 + :k
\set r random(1, 100)
\set existing random(0, 99999)
BEGIN;
INSERT INTO webhook_event_keys (event_id, source, received_at, payload_sha256)
VALUES ('evt-pgb-' || :run || '-' || :id, 'cisive', now(), decode(:sha256, 'hex'))
ON CONFLICT DO NOTHING;
INSERT INTO webhook_events (source, event_id, event_type, external_id, occurred_at, schema_version, payload,
                            payload_sha256, correlation_id, principal, received_at, status, attempts,
                            resource_version, processed_at, processing_ms)
VALUES ('cisive', 'evt-pgb-' || :run || '-' || :id, CASE WHEN :r::int <= :updates::int THEN 'OrderUpdated' ELSE 'OrderCreated' END,
        CASE WHEN :r::int <= :updates::int THEN 'ORD-EXISTING-' || :existing ELSE 'ORD-PGB-' || :run || '-' || :id END,
        CASE WHEN :r::int <= :updates::int THEN now() ELSE :occurred END,
        '1.0', :payload, :sha256, 'pgbench-' || :run || '-' || :id, 'pgbench', now(), 'processed', 1, 1, now(), 1)
RETURNING id;
INSERT INTO orders AS o (external_order_id, status, package_code, client_reference, ordered_at, completed_at,
                         candidate, document, last_event_id, last_event_occurred_at,
                         created_by, created_correlation_id, updated_by, updated_correlation_id)
VALUES (CASE WHEN :r::int <= :updates::int THEN 'ORD-EXISTING-' || :existing ELSE 'ORD-PGB-' || :run || '-' || :id END,
        'Created', 'PKG-STANDARD', 'CLIENT-REF-7', :ordered, NULL, :candidate,
        :document, 'evt-pgb-' || :run || '-' || :id, CASE WHEN :r::int <= :updates::int THEN now() ELSE :occurred END,
        'pgbench', 'pgbench-' || :run || '-' || :id,
        'pgbench', 'pgbench-' || :run || '-' || :id)
ON CONFLICT (external_order_id) DO UPDATE SET
  status = EXCLUDED.status,
  package_code = EXCLUDED.package_code,
  client_reference = EXCLUDED.client_reference,
  ordered_at = EXCLUDED.ordered_at,
  completed_at = EXCLUDED.completed_at,
  candidate = EXCLUDED.candidate,
  document = EXCLUDED.document,
  last_event_id = EXCLUDED.last_event_id,
  last_event_occurred_at = EXCLUDED.last_event_occurred_at,
  version = o.version + 1,
  updated_by = EXCLUDED.updated_by,
  updated_on = now(),
  updated_correlation_id = EXCLUDED.updated_correlation_id
WHERE (o.last_event_occurred_at, o.last_event_id) < (EXCLUDED.last_event_occurred_at, EXCLUDED.last_event_id)
RETURNING version;
COMMIT;
