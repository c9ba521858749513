-- The operator console. Sessions live here so that any replica serves any request (no sticky sessions) and signing
-- out ends a session everywhere at once. A row holds the session's attributes as vertx-web serialises them
-- (the operator's id, name and scopes, the sign-in state), never a payload. Expired rows are purged by the replicas.
CREATE TABLE console_sessions (
  id         text        PRIMARY KEY,
  version    integer     NOT NULL,
  expires_at timestamptz NOT NULL,
  data       bytea       NOT NULL
);
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at);

-- Four-eyes: a dangerous action one operator asked for, carried out only when a second, different operator approves
-- before it lapses. parameters says exactly what will run (filters, the resource), never personal data.
CREATE TABLE operator_approvals (
  id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action            text        NOT NULL,
  target            text,
  parameters        jsonb       NOT NULL,
  requested_by      text        NOT NULL,
  requested_subject text        NOT NULL,
  requested_at      timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL,
  status            text        NOT NULL DEFAULT 'pending',
  decided_by        text,
  decided_subject   text,
  decided_at        timestamptz,
  result            jsonb,
  CONSTRAINT operator_approvals_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'failed')),
  CONSTRAINT operator_approvals_second_operator CHECK (decided_subject IS NULL OR decided_subject <> requested_subject)
);
CREATE INDEX operator_approvals_pending_idx ON operator_approvals (requested_at DESC) WHERE status = 'pending';
