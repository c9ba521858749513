-- The operators' audit trail: every configuration change, override removal, manual or bulk replay and erasure,
-- written in the same transaction as the change it records (so a change without its row cannot commit), and every
-- refused attempt by an authenticated operator, in a transaction of its own (nothing changed). Parameters and
-- results never hold personal data: ids, filters, counts, configuration values, error codes.
CREATE TABLE operator_audit (
  id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- The token subject.
  actor          text        NOT NULL,
  action         text        NOT NULL,
  -- What the action was about: an event id, an external order id; null for the configuration.
  target         text,
  parameters     jsonb       NOT NULL,
  outcome        text        NOT NULL,
  -- Succeeded: what it did (version, counts). Refused: HTTP status, error code, message, field errors.
  result         jsonb       NOT NULL,
  correlation_id text        NOT NULL,
  CONSTRAINT operator_audit_outcome_check CHECK (outcome IN ('succeeded', 'refused'))
);

-- Newest first with keyset pagination on (recorded_at, id), with or without an action filter.
CREATE INDEX operator_audit_recorded_idx ON operator_audit (recorded_at DESC, id DESC);
CREATE INDEX operator_audit_action_idx ON operator_audit (action, recorded_at DESC, id DESC);

-- Append-only. The service's role owns its tables, and an owner keeps every privilege whatever is revoked, so a
-- trigger refuses changes for everyone; REVOKE covers other roles granted access to the schema's tables.
CREATE FUNCTION operator_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'operator_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER operator_audit_append_only
  BEFORE UPDATE OR DELETE ON operator_audit
  FOR EACH STATEMENT EXECUTE FUNCTION operator_audit_append_only();

CREATE TRIGGER operator_audit_no_truncate
  BEFORE TRUNCATE ON operator_audit
  FOR EACH STATEMENT EXECUTE FUNCTION operator_audit_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON operator_audit FROM PUBLIC;
