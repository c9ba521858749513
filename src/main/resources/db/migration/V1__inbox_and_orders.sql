-- The inbox: every delivery we accepted, once per (source, event id). It is also the audit trail.
CREATE TABLE webhook_events (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source           text        NOT NULL,
  event_id         text        NOT NULL,
  event_type       text        NOT NULL,
  -- The source's business key: Cisive external order id, Stripe payment intent id.
  external_id      text,
  occurred_at      timestamptz,
  schema_version   text,
  payload          jsonb       NOT NULL,
  payload_sha256   text        NOT NULL,
  status           text        NOT NULL,
  attempts         integer     NOT NULL DEFAULT 1,
  next_attempt_at  timestamptz,
  lease_until      timestamptz,
  lease_token      uuid,
  last_error       text,
  -- The version of the order/payment this event produced (or found, when stale).
  resource_version integer,
  correlation_id   text        NOT NULL,
  principal        text,
  received_at      timestamptz NOT NULL,
  processed_at     timestamptz,
  processing_ms    integer,
  -- event_id first: the same uniqueness, and it also serves lookups by event id alone (operators, replays).
  CONSTRAINT webhook_events_event_id_source_key UNIQUE (event_id, source),
  CONSTRAINT webhook_events_status_check
    CHECK (status IN ('processing', 'processed', 'stale', 'ignored', 'failed', 'dead'))
);

CREATE INDEX webhook_events_external_id_type_idx ON webhook_events (external_id, event_type);
CREATE INDEX webhook_events_received_at_idx ON webhook_events (received_at);
-- The retry scheduler's two questions, each answered from a small partial index.
CREATE INDEX webhook_events_due_idx ON webhook_events (next_attempt_at) WHERE status = 'failed';
CREATE INDEX webhook_events_lease_idx ON webhook_events (lease_until) WHERE status = 'processing';

-- Cisive orders, upserted by external order id. Never rolled back by an older event.
CREATE TABLE orders (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  external_order_id      text        NOT NULL,
  status                 text        NOT NULL,
  package_code           text,
  client_reference       text,
  ordered_at             timestamptz,
  completed_at           timestamptz,
  -- Personal data: returned only to webhooks:admin, never logged.
  candidate              jsonb       NOT NULL,
  document               jsonb       NOT NULL,
  last_event_id          text        NOT NULL,
  last_event_occurred_at timestamptz NOT NULL,
  version                integer     NOT NULL DEFAULT 1,
  source_system          text        NOT NULL DEFAULT 'Cisive',
  created_by             text        NOT NULL,
  created_on             timestamptz NOT NULL DEFAULT now(),
  created_correlation_id text        NOT NULL,
  updated_by             text        NOT NULL,
  updated_on             timestamptz NOT NULL DEFAULT now(),
  updated_correlation_id text        NOT NULL,
  CONSTRAINT orders_external_order_id_key UNIQUE (external_order_id)
);
