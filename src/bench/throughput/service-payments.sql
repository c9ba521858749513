-- The 100,000 existing payments of the Stripe event mix, in the service's own payments table (as earlier events
-- would have left them: processing, created long ago), so the mix's updates find them and apply. Idempotent.
INSERT INTO payments (payment_intent_id, status, amount, currency, document, last_event_id, last_event_type,
                      last_event_created, last_event_rank, created_correlation_id, updated_correlation_id)
SELECT 'pi_existing_' || g, 'processing', 12500, 'gbp', '{"object": "payment_intent"}', 'evt_seed_' || g,
       'payment_intent.payment_failed', timestamptz '2026-01-01T00:00:00Z', 1, 'seed', 'seed'
  FROM generate_series(0, 99999) g
ON CONFLICT (payment_intent_id) DO NOTHING;
VACUUM ANALYZE payments;
