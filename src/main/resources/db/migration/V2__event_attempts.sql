-- Every attempt that failed, and every retry: when it ran, how it ended, why it failed. Operators read it to see
-- why an event is failing; the first, successful attempt of an event is its processed_at and needs no row.
CREATE TABLE webhook_event_attempts (
  event_row_id bigint      NOT NULL REFERENCES webhook_events (id),
  attempt      integer     NOT NULL,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  outcome      text        NOT NULL,
  error        text,
  PRIMARY KEY (event_row_id, attempt)
);

-- Events that need an operator's eye (failed, dead, ignored), by arrival: bulk replay and failure listings read
-- it. Events that were simply processed never enter it, so the happy path pays nothing.
CREATE INDEX webhook_events_attention_idx ON webhook_events (received_at)
  WHERE status IN ('failed', 'dead', 'ignored');
