/**
 * Schema version 3: events counted by UTC hour, asset, severity and type, kept by statement
 * triggers on `events` (the rows an INSERT … ON CONFLICT DO NOTHING really added, and deletes), so
 * the hourly chart of a week reads hundreds of rows instead of millions. On TimescaleDB a
 * continuous aggregate would do this; plain PostgreSQL has this. Rows are upserted in key order,
 * so two sinks' batches take their row locks in the same order.
 */
export const MIGRATION_003 = `
CREATE TABLE events_hourly (
  hour       timestamptz NOT NULL,
  asset_id   text        NOT NULL,
  severity   text        NOT NULL,
  event_type text        NOT NULL,
  n          bigint      NOT NULL,
  CONSTRAINT events_hourly_pkey PRIMARY KEY (hour, asset_id, severity, event_type)
);
CREATE INDEX events_hourly_asset_idx ON events_hourly (asset_id, hour);

CREATE FUNCTION watchfloor_events_hourly_add() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO events_hourly (hour, asset_id, severity, event_type, n)
  SELECT date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', asset_id, severity, event_type, count(*)
  FROM added GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (hour, asset_id, severity, event_type) DO UPDATE SET n = events_hourly.n + EXCLUDED.n;
  RETURN NULL;
END
$fn$;

CREATE FUNCTION watchfloor_events_hourly_remove() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE events_hourly h SET n = h.n - r.n
  FROM (SELECT date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour, asset_id, severity, event_type, count(*) AS n
        FROM removed GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4) r
  WHERE h.hour = r.hour AND h.asset_id = r.asset_id AND h.severity = r.severity AND h.event_type = r.event_type;
  DELETE FROM events_hourly WHERE n <= 0;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER events_hourly_add AFTER INSERT ON events REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION watchfloor_events_hourly_add();
CREATE TRIGGER events_hourly_remove AFTER DELETE ON events REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION watchfloor_events_hourly_remove();

INSERT INTO events_hourly (hour, asset_id, severity, event_type, n)
SELECT date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', asset_id, severity, event_type, count(*) FROM events GROUP BY 1, 2, 3, 4;
`;
