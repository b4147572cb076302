/**
 * Schema version 8: when the `timescaledb` extension is installed in the database, seed 000's
 * `events` and `metrics` become hypertables (chunks of a day) with TimescaleDB retention policies
 * (events 30 days, metrics 7 days, the same ages the console's own retention uses on plain
 * PostgreSQL). Without the extension this migration changes nothing: the tables stay plain, with
 * their time indexes, and the console's retention job keeps them (retention.ts).
 *
 * What a hypertable needs, done first in the same transaction:
 * - every unique key must contain the time column: `events` is keyed by (id, ts) instead of id.
 *   A redelivered or replayed event carries the same bytes, hence the same ts, so a redelivery
 *   stays harmless (the insert is ON CONFLICT DO NOTHING with no target, so it works on both keys);
 *   what is given up is only the refusal of a second, different event reusing an id.
 * - TimescaleDB before 2.18 refuses statement triggers with transition tables on hypertables,
 *   and dropping a chunk fires no delete trigger: the hourly rollup's statement triggers
 *   (migration 3) become row triggers, which every version supports. The sink inserts a batch
 *   in rollup-key order, so two sinks' batches lock the rollup rows in the same order. The
 *   rollup of hours the retention policy dropped is deleted by the console's retention job.
 *
 * `metrics` is already keyed by (asset_id, metric_type, ts) and has no trigger. Seed 002's
 * `system_metrics` stays a plain table: its alert trigger (migration 5) reads the inserted rows as
 * a transition table, which is the point of it; the console's retention keeps it.
 *
 * Applied once: a database that gets the extension after version 8 keeps plain tables, and the
 * view says so (schema.ts, describeStorage).
 */
export const MIGRATION_008 = `
DO $timescale$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    RETURN;
  END IF;

  DROP TRIGGER events_hourly_add ON events;
  DROP TRIGGER events_hourly_remove ON events;

  CREATE FUNCTION watchfloor_events_hourly_add_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    INSERT INTO events_hourly (hour, asset_id, severity, event_type, n)
    VALUES (date_trunc('hour', NEW.ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', NEW.asset_id, NEW.severity, NEW.event_type, 1)
    ON CONFLICT (hour, asset_id, severity, event_type) DO UPDATE SET n = events_hourly.n + 1;
    RETURN NULL;
  END
  $fn$;

  CREATE FUNCTION watchfloor_events_hourly_remove_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    UPDATE events_hourly SET n = n - 1
    WHERE hour = date_trunc('hour', OLD.ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
      AND asset_id = OLD.asset_id AND severity = OLD.severity AND event_type = OLD.event_type;
    DELETE FROM events_hourly
    WHERE hour = date_trunc('hour', OLD.ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
      AND asset_id = OLD.asset_id AND severity = OLD.severity AND event_type = OLD.event_type AND n <= 0;
    RETURN NULL;
  END
  $fn$;

  CREATE TRIGGER events_hourly_add_row AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION watchfloor_events_hourly_add_row();
  CREATE TRIGGER events_hourly_remove_row AFTER DELETE ON events FOR EACH ROW EXECUTE FUNCTION watchfloor_events_hourly_remove_row();

  ALTER TABLE events DROP CONSTRAINT events_pkey, ADD CONSTRAINT events_pkey PRIMARY KEY (id, ts);

  PERFORM create_hypertable('events', 'ts', chunk_time_interval => interval '1 day', create_default_indexes => false, migrate_data => true);
  PERFORM add_retention_policy('events', drop_after => interval '30 days', if_not_exists => true);
  PERFORM create_hypertable('metrics', 'ts', chunk_time_interval => interval '1 day', create_default_indexes => false, migrate_data => true);
  PERFORM add_retention_policy('metrics', drop_after => interval '7 days', if_not_exists => true);
END
$timescale$;
`;
