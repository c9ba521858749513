-- The W3C trace context of the request that delivered each event (null when it was not traced), so that a retry
-- or an operator's replay hours later starts a trace linked to the original delivery. Nullable without a default:
-- adding it rewrites nothing and takes its lock only for an instant; a previous build never writes it.
ALTER TABLE webhook_events ADD COLUMN IF NOT EXISTS trace_parent text;
