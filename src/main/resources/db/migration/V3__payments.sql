-- Stripe payments, upserted by payment intent id. Never rolled back by an older event.
CREATE TABLE payments (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payment_intent_id      text        NOT NULL,
  status                 text        NOT NULL,
  amount                 bigint,
  currency               text,
  metadata               jsonb       NOT NULL DEFAULT '{}',
  livemode               boolean     NOT NULL DEFAULT false,
  -- The latest payment intent object as Stripe sent it.
  document               jsonb       NOT NULL,
  last_event_id          text        NOT NULL,
  last_event_type        text        NOT NULL,
  -- The applied event's "created" time; with the rank and id it orders events.
  last_event_created     timestamptz NOT NULL,
  last_event_rank        integer     NOT NULL,
  dispute                jsonb,
  dispute_event_created  timestamptz,
  version                integer     NOT NULL DEFAULT 1,
  source_system          text        NOT NULL DEFAULT 'Stripe',
  created_on             timestamptz NOT NULL DEFAULT now(),
  created_correlation_id text        NOT NULL,
  updated_on             timestamptz NOT NULL DEFAULT now(),
  updated_correlation_id text        NOT NULL,
  CONSTRAINT payments_payment_intent_id_key UNIQUE (payment_intent_id)
);
