-- The 100,000 existing orders of the event mix, in the service's own orders table (as earlier events would have
-- left them), so the mix's updates find them. Idempotent: a second run adds nothing.
INSERT INTO orders (external_order_id, status, package_code, client_reference, ordered_at, candidate, document,
                    last_event_id, last_event_occurred_at, created_by, created_correlation_id, updated_by,
                    updated_correlation_id)
SELECT 'ORD-EXISTING-' || g, 'Created', 'PKG-STANDARD', 'CLIENT-REF-7', timestamptz '2026-01-01T00:00:00Z',
       '{}', '{"externalOrderId": "seeded"}', 'evt-seed-' || g, timestamptz '2026-01-01T00:00:00Z', 'seed',
       'seed', 'seed', 'seed'
  FROM generate_series(0, 99999) g
ON CONFLICT (external_order_id) DO NOTHING;
VACUUM ANALYZE orders;
