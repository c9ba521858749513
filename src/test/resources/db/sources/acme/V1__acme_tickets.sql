-- The throwaway source's own table, applied after the service's migrations with a history of its own.
CREATE TABLE acme_tickets (
  ticket_id text PRIMARY KEY,
  status text NOT NULL,
  priority int NOT NULL,
  version int NOT NULL DEFAULT 1,
  last_event_id text NOT NULL,
  last_event_at timestamptz NOT NULL
);
