-- The fixed reference of src/bench/throughput.sh: a minimal inbox on a minimal schema, one transaction per event,
-- the yardstick the service is compared with (independent of the service's own schema, so a heavier schema cannot
-- make the service look better). In its own schema beside the service's tables; 100,000 existing orders for the
-- updates of the event mix. Run with psql -v ON_ERROR_STOP=1.
DROP SCHEMA IF EXISTS bench_reference CASCADE;
CREATE SCHEMA bench_reference;
SET search_path = bench_reference;
create table orders(id bigserial primary key, external_order_id text not null unique, status text not null,
  payload jsonb not null, last_event_at timestamptz not null, version int not null default 1,
  created_by text not null, created_on timestamptz not null default now(),
  updated_on timestamptz not null default now(), source_system text not null);
create table webhook_events(id bigserial primary key, source text not null, event_id text not null,
  event_type text not null, external_order_id text not null, payload jsonb not null,
  payload_sha256 text not null, status text not null, attempts int not null default 0,
  next_attempt_at timestamptz, correlation_id text, received_at timestamptz not null default now(),
  processed_at timestamptz, unique(source, event_id));
create index on webhook_events(external_order_id, event_type);
create index on webhook_events(received_at);
create index on webhook_events(next_attempt_at) where status = 'FAILED';
INSERT INTO orders (external_order_id, status, payload, last_event_at, created_by, source_system)
SELECT 'ORD-EXISTING-' || g, 'Created', '{"seeded": true}', timestamptz '2026-01-01T00:00:00Z', 'seed', 'cisive'
  FROM generate_series(0, 99999) g;
VACUUM ANALYZE orders;
