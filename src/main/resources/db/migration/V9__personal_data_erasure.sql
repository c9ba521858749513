-- Erasure of a candidate's personal data (DELETE /api/orders/{externalOrderId}/personal-data). Personal data is
-- the order's candidate object: orders.candidate, orders.document->'candidate' and, in every stored Cisive event of
-- the order, payload->'order'->'candidate'. Erasing replaces each property's value with the string "[erased]" and
-- keeps the keys (consumers see which fields existed); hashes (payload_sha256) and business fields stay.

-- When the order's personal data was last erased. It stays set when new personal data arrives later (the order's
-- candidate then shows it): it arms the trigger below, which keeps every erased candidate from coming back.
ALTER TABLE orders ADD COLUMN personal_data_erased_at timestamptz;

-- The candidates erased, per order, as the SHA-256 of their jsonb text (canonical: key order and whitespace do not
-- change it). A later event whose candidate hashes the same carries no new personal data and stays redacted. The
-- hash is a fingerprint of data that was erased, like payload_sha256 of the whole body, which is kept on purpose.
CREATE TABLE erased_candidates (
  external_order_id text        NOT NULL,
  candidate_sha256  text        NOT NULL,
  erased_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (external_order_id, candidate_sha256)
);

CREATE FUNCTION candidate_sha256(candidate jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT encode(sha256(convert_to(candidate::text, 'UTF8')), 'hex') $$;

-- The candidate with every property's value replaced by "[erased]"; anything but an object becomes "[erased]";
-- SQL NULL and JSON null stay as they are. Redacting twice changes nothing, so "c = candidate_redacted(c)" means c
-- holds no personal data.
CREATE FUNCTION candidate_redacted(candidate jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT CASE jsonb_typeof(candidate)
            WHEN 'object' THEN coalesce((SELECT jsonb_object_agg(key, '"[erased]"'::jsonb)
                                           FROM jsonb_object_keys(candidate) key), '{}'::jsonb)
            WHEN 'null' THEN candidate
            ELSE '"[erased]"'::jsonb
          END $$;

-- True when the candidate is one already erased for this order, or holds nothing but redaction markers (a replay
-- of a redacted payload): either way it brings no new personal data.
CREATE FUNCTION candidate_stays_erased(order_id text, candidate jsonb) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT candidate = candidate_redacted(candidate)
       OR EXISTS (SELECT 1 FROM erased_candidates
                   WHERE external_order_id = order_id AND candidate_sha256 = candidate_sha256(candidate)) $$;

-- Orders: only rows erased at some time fire it (the WHEN clause costs nothing for the others), and only when an
-- update brings another candidate. The ingest statements are not touched: the database keeps erased data erased.
CREATE FUNCTION orders_keep_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF candidate_stays_erased(NEW.external_order_id, NEW.candidate) THEN
    NEW.candidate := candidate_redacted(NEW.candidate);
    IF jsonb_typeof(NEW.document) = 'object' AND NEW.document ? 'candidate' THEN
      NEW.document := jsonb_set(NEW.document, '{candidate}', candidate_redacted(NEW.document -> 'candidate'));
    END IF;
    -- The event being applied, when it is stored already (a retry, a delivery stored one by one); a group
    -- commit inserts its events after this, and webhook_events_keep_erased redacts them.
    UPDATE webhook_events
       SET payload = jsonb_set(payload, '{order,candidate}', candidate_redacted(payload #> '{order,candidate}'))
     WHERE event_id = NEW.last_event_id AND source = 'cisive' AND external_id = NEW.external_order_id
       AND payload #> '{order,candidate}' IS DISTINCT FROM candidate_redacted(payload #> '{order,candidate}');
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER orders_keep_erased
  BEFORE UPDATE ON orders
  FOR EACH ROW
  WHEN (OLD.personal_data_erased_at IS NOT NULL AND NEW.candidate IS DISTINCT FROM OLD.candidate)
  EXECUTE FUNCTION orders_keep_erased();

-- A new order (its events so far failed or were ignored, so the erasure found only their payloads) does not bring
-- erased data back either: once per statement, and a statement with no erased order among its rows pays one probe
-- of erased_candidates' primary key per row.
CREATE FUNCTION orders_inserted_keep_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows n
                  WHERE EXISTS (SELECT 1 FROM erased_candidates x WHERE x.external_order_id = n.external_order_id)) THEN
    RETURN NULL;
  END IF;
  UPDATE orders o
     SET candidate = candidate_redacted(o.candidate),
         document = CASE WHEN jsonb_typeof(o.document) = 'object' AND o.document ? 'candidate'
                         THEN jsonb_set(o.document, '{candidate}', candidate_redacted(o.document -> 'candidate'))
                         ELSE o.document END,
         personal_data_erased_at = now()
    FROM new_rows n
   WHERE o.id = n.id AND candidate_stays_erased(n.external_order_id, n.candidate);
  RETURN NULL;
END $$;

CREATE TRIGGER orders_inserted_keep_erased
  AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_inserted_keep_erased();

-- Stored events: once per statement. A statement whose new rows belong to no erased order pays one probe of
-- erased_candidates' primary key per Cisive row (none when no order was ever erased) and returns. Written for a
-- partitioned webhook_events too: rows are matched on (id, received_at), the partitioned table's key.
CREATE FUNCTION webhook_events_keep_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows n
                  WHERE n.source = 'cisive'
                    AND EXISTS (SELECT 1 FROM erased_candidates x WHERE x.external_order_id = n.external_id)) THEN
    RETURN NULL;
  END IF;
  UPDATE webhook_events e
     SET payload = jsonb_set(e.payload, '{order,candidate}', candidate_redacted(e.payload #> '{order,candidate}'))
    FROM new_rows n
   WHERE e.id = n.id AND e.received_at = n.received_at AND n.source = 'cisive'
     AND n.payload #> '{order,candidate}' IS NOT NULL
     AND n.payload #> '{order,candidate}' <> candidate_redacted(n.payload #> '{order,candidate}')
     AND EXISTS (SELECT 1 FROM erased_candidates x
                  WHERE x.external_order_id = n.external_id
                    AND x.candidate_sha256 = candidate_sha256(n.payload #> '{order,candidate}'));
  RETURN NULL;
END $$;

CREATE TRIGGER webhook_events_keep_erased
  AFTER INSERT ON webhook_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_events_keep_erased();
