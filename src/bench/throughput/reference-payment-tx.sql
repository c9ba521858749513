-- pgbench script of the fixed reference for payments (reference-payments.sql): one transaction per Stripe event,
-- the shape of reference-tx.sql with the payment's newest-wins rule. UPDATES percent of the events change one of
-- the 100,000 existing payments, the rest create a new one; every event id is unique.
-- Literals holding ':' (JSON) come in as -D variables: pgbench would read ':00' as a variable.
\set k :k + 1
\set id :client_id * 1000000000 + :k
\set r random(1, 100)
\set existing random(0, 99999)
BEGIN;
INSERT INTO bench_reference.webhook_events (source, event_id, event_type, external_order_id, payload,
                                            payload_sha256, status, attempts, correlation_id, processed_at)
VALUES ('stripe', 'evt_ref_' || :run || '_' || :id,
        CASE WHEN :r::int <= :updates::int THEN 'payment_intent.succeeded' ELSE 'payment_intent.payment_failed' END,
        CASE WHEN :r::int <= :updates::int THEN 'pi_existing_' || :existing ELSE 'pi_ref_' || :run || '_' || :id END,
        :stripe_payload, :sha256, 'PROCESSED', 1, 'pgbench-' || :run || '-' || :id, now())
ON CONFLICT DO NOTHING;
INSERT INTO bench_reference.payments AS p (payment_intent_id, status, amount, currency, payload, last_event_id,
                                           last_event_created, last_event_rank, source_system)
VALUES (CASE WHEN :r::int <= :updates::int THEN 'pi_existing_' || :existing ELSE 'pi_ref_' || :run || '_' || :id END,
        CASE WHEN :r::int <= :updates::int THEN 'succeeded' ELSE 'requires_payment_method' END, 12500, 'gbp',
        :stripe_object, 'evt_ref_' || :run || '_' || :id, now(),
        CASE WHEN :r::int <= :updates::int THEN 2 ELSE 1 END, 'stripe')
ON CONFLICT (payment_intent_id) DO UPDATE SET status = EXCLUDED.status, amount = EXCLUDED.amount,
  currency = EXCLUDED.currency, payload = EXCLUDED.payload, last_event_id = EXCLUDED.last_event_id,
  last_event_created = EXCLUDED.last_event_created, last_event_rank = EXCLUDED.last_event_rank,
  version = p.version + 1, updated_on = now()
WHERE (p.last_event_created, p.last_event_rank, p.last_event_id COLLATE "C")
    < (EXCLUDED.last_event_created, EXCLUDED.last_event_rank, EXCLUDED.last_event_id COLLATE "C");
COMMIT;
