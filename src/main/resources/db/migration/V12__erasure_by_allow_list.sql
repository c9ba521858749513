-- Erasure by allow-list. The Cisive schema keeps properties it does not name, and any of them may hold personal
-- data (an email in order.notes, a name in a top-level contactName), so erasing the candidate alone left them. Now a
-- stored Cisive payload or order document keeps the values of its known, non-personal fields only; every other
-- value becomes "[erased]" (keys stay, JSON nulls stay null, the candidate keeps its keys as before). The same list
-- decides what the read scope sees of an order. Additive: the functions of V9 stay (the previous build calls them).

-- The known, non-personal fields of an order document (what the read scope sees), nulls left out.
CREATE FUNCTION cisive_order_public(o jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(o) = 'object' THEN jsonb_strip_nulls(jsonb_build_object(
            'externalOrderId', o -> 'externalOrderId', 'status', o -> 'status', 'packageCode', o -> 'packageCode',
            'clientReference', o -> 'clientReference', 'orderedAt', o -> 'orderedAt', 'completedAt', o -> 'completedAt',
            'services', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                           'code', s -> 'code', 'status', s -> 'status', 'completedAt', s -> 'completedAt')) ORDER BY n)
                         FROM jsonb_array_elements(CASE jsonb_typeof(o -> 'services') WHEN 'array'
                                                   THEN o -> 'services' END) WITH ORDINALITY x(s, n)))) END $$;

CREATE FUNCTION erased_value(v jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT CASE jsonb_typeof(v) WHEN 'null' THEN v ELSE '"[erased]"'::jsonb END $$;

-- A service of an order with every value but its code, status and completion time erased.
CREATE FUNCTION cisive_service_redacted(s jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT CASE jsonb_typeof(s)
            WHEN 'object' THEN (SELECT coalesce(jsonb_object_agg(key, CASE WHEN key IN ('code', 'status', 'completedAt')
                                                                          THEN value ELSE erased_value(value) END),
                                                '{}'::jsonb) FROM jsonb_each(s))
            ELSE erased_value(s) END $$;

CREATE FUNCTION cisive_order_redacted(o jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT CASE jsonb_typeof(o)
            WHEN 'object' THEN (SELECT coalesce(jsonb_object_agg(key, CASE
                WHEN key IN ('externalOrderId', 'status', 'packageCode', 'clientReference', 'orderedAt', 'completedAt')
                  THEN value
                WHEN key = 'candidate' THEN candidate_redacted(value)
                WHEN key = 'services' AND jsonb_typeof(value) = 'array'
                  THEN (SELECT coalesce(jsonb_agg(cisive_service_redacted(s) ORDER BY n), '[]'::jsonb)
                          FROM jsonb_array_elements(value) WITH ORDINALITY x(s, n))
                ELSE erased_value(value) END), '{}'::jsonb) FROM jsonb_each(o))
            ELSE erased_value(o) END $$;

CREATE FUNCTION cisive_payload_redacted(p jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT CASE jsonb_typeof(p)
            WHEN 'object' THEN (SELECT coalesce(jsonb_object_agg(key, CASE
                WHEN key IN ('eventId', 'eventType', 'occurredAt', 'schemaVersion') THEN value
                WHEN key = 'order' THEN cisive_order_redacted(value)
                ELSE erased_value(value) END), '{}'::jsonb) FROM jsonb_each(p))
            ELSE erased_value(p) END $$;

-- The personal part of an order document: everything the allow-list does not name (business changes, such as one
-- more service, leave it unchanged). Its SHA-256 fingerprints erased data as candidate_sha256 did for the candidate.
CREATE FUNCTION cisive_order_personal_sha256(o jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT candidate_sha256(CASE WHEN jsonb_typeof(o) = 'object' THEN
            (o - ARRAY['externalOrderId', 'status', 'packageCode', 'clientReference', 'orderedAt', 'completedAt',
                       'services'])
            || coalesce((SELECT jsonb_build_object('services', jsonb_agg(r ORDER BY n))
                           FROM (SELECT CASE WHEN jsonb_typeof(s) = 'object'
                                             THEN s - ARRAY['code', 'status', 'completedAt'] ELSE s END, n
                                   FROM jsonb_array_elements(CASE jsonb_typeof(o -> 'services') WHEN 'array'
                                                             THEN o -> 'services' END) WITH ORDINALITY x(s, n)) p(r, n)
                          WHERE r <> '{}'::jsonb), '{}'::jsonb)
            ELSE o END) $$;

CREATE FUNCTION cisive_payload_personal_sha256(p jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT candidate_sha256(CASE WHEN jsonb_typeof(p) = 'object'
                                THEN p - ARRAY['eventId', 'eventType', 'occurredAt', 'schemaVersion', 'order']
                                ELSE p END) || ':' || coalesce(cisive_order_personal_sha256(p -> 'order'), '') $$;

-- True when an order document brings no personal data that was not erased for this order: nothing personal is left
-- in it, or its personal part (or, for orders erased before this migration, its candidate) was erased.
CREATE FUNCTION cisive_order_stays_erased(order_id text, o jsonb) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT o = cisive_order_redacted(o)
       OR EXISTS (SELECT 1 FROM erased_candidates
                   WHERE external_order_id = order_id
                     AND candidate_sha256 IN (cisive_order_personal_sha256(o), candidate_sha256(o -> 'candidate'))) $$;

-- The same for a stored payload: nothing personal left, or its personal part, its order's or its candidate erased.
CREATE FUNCTION cisive_payload_stays_erased(order_id text, p jsonb) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT p = cisive_payload_redacted(p)
       OR EXISTS (SELECT 1 FROM erased_candidates
                   WHERE external_order_id = order_id
                     AND candidate_sha256 IN (cisive_payload_personal_sha256(p), cisive_order_personal_sha256(p -> 'order'),
                                              candidate_sha256(p #> '{order,candidate}'))) $$;

-- The triggers of V9, now keeping every erased field erased, not only the candidate.
CREATE OR REPLACE FUNCTION orders_keep_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF cisive_order_stays_erased(NEW.external_order_id, NEW.document) THEN
    NEW.candidate := candidate_redacted(NEW.candidate);
    NEW.document := cisive_order_redacted(NEW.document);
    -- The event being applied, when it is stored already (a retry, a delivery stored one by one); a group
    -- commit inserts its events after this, and webhook_events_keep_erased redacts them.
    UPDATE webhook_events
       SET payload = cisive_payload_redacted(payload)
     WHERE event_id = NEW.last_event_id AND source = 'cisive' AND external_id = NEW.external_order_id
       AND payload <> cisive_payload_redacted(payload);
  END IF;
  RETURN NEW;
END $$;

DROP TRIGGER orders_keep_erased ON orders;
CREATE TRIGGER orders_keep_erased
  BEFORE UPDATE ON orders
  FOR EACH ROW
  WHEN (OLD.personal_data_erased_at IS NOT NULL AND NEW.document IS DISTINCT FROM OLD.document)
  EXECUTE FUNCTION orders_keep_erased();

CREATE OR REPLACE FUNCTION orders_inserted_keep_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows n
                  WHERE EXISTS (SELECT 1 FROM erased_candidates x WHERE x.external_order_id = n.external_order_id)) THEN
    RETURN NULL;
  END IF;
  UPDATE orders o
     SET candidate = candidate_redacted(o.candidate),
         document = cisive_order_redacted(o.document),
         personal_data_erased_at = now()
    FROM new_rows n
   WHERE o.id = n.id AND cisive_order_stays_erased(n.external_order_id, n.document);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION webhook_events_keep_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows n
                  WHERE n.source = 'cisive'
                    AND EXISTS (SELECT 1 FROM erased_candidates x WHERE x.external_order_id = n.external_id)) THEN
    RETURN NULL;
  END IF;
  UPDATE webhook_events e
     SET payload = cisive_payload_redacted(e.payload)
    FROM new_rows n
   WHERE e.id = n.id AND e.received_at = n.received_at AND n.source = 'cisive'
     AND n.payload <> cisive_payload_redacted(n.payload)
     AND cisive_payload_stays_erased(n.external_id, n.payload);
  RETURN NULL;
END $$;
