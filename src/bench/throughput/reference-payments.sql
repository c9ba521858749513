-- The fixed reference's payments (after reference-schema.sql): the same minimal shape as its orders, with the
-- payment's own newest-wins key (created, rank, event id); 100,000 existing payments for the Stripe mix's updates.
SET search_path = bench_reference;
create table payments(id bigserial primary key, payment_intent_id text not null unique, status text not null,
  amount bigint, currency text, payload jsonb not null, last_event_id text not null,
  last_event_created timestamptz not null, last_event_rank int not null, version int not null default 1,
  created_on timestamptz not null default now(), updated_on timestamptz not null default now(),
  source_system text not null);
INSERT INTO payments (payment_intent_id, status, amount, currency, payload, last_event_id, last_event_created,
                      last_event_rank, source_system)
SELECT 'pi_existing_' || g, 'processing', 12500, 'gbp', '{"seeded": true}', 'evt_seed_' || g,
       timestamptz '2026-01-01T00:00:00Z', 1, 'stripe'
  FROM generate_series(0, 99999) g;
VACUUM ANALYZE payments;
