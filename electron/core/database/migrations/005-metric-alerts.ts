/** The channel the metric alert trigger notifies on (payload: the alert as JSON, seed 002's fields and its row id). */
export const METRIC_ALERTS_CHANNEL = 'watchfloor_metric_alerts';

/**
 * Schema version 5: seed 002's "database triggers detect alerts". `metric_thresholds` holds the
 * watched metrics (the rabbit-metrics consumer's defaults: CPU > 90 warning / > 97 critical, RAM >
 * 90 warning, disk > 90 warning / > 97 critical; strictly above, the most severe level crossed).
 * A statement trigger on `system_metrics` turns each newly stored sample over a threshold into a
 * row of `metric_alerts` (one per system, alert type and time) and a `pg_notify` on
 * METRIC_ALERTS_CHANNEL, both part of the inserting transaction. A redelivered sample inserts
 * nothing, so it alerts nothing. The row is the record: `published_at` stays null until the
 * `pg-alert-notifier` has the broker's confirm for it on `alert_queue`, so an alert detected while
 * no one listens is published when one does.
 */
export const MIGRATION_005 = `
CREATE TABLE metric_thresholds (
  metric     text PRIMARY KEY,
  alert_type text NOT NULL,
  warning    double precision,
  critical   double precision,
  CHECK (warning IS NOT NULL OR critical IS NOT NULL)
);
INSERT INTO metric_thresholds (metric, alert_type, warning, critical) VALUES
  ('cpu_percent', 'cpu_high', 90, 97),
  ('ram_percent', 'ram_high', 90, NULL),
  ('disk_percent', 'disk_high', 90, 97);

CREATE TABLE metric_alerts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  system_id    bigint           NOT NULL,
  alert_type   text             NOT NULL,
  severity     text             NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  value        double precision NOT NULL,
  threshold    double precision NOT NULL,
  ts           timestamptz      NOT NULL,
  detected_at  timestamptz      NOT NULL DEFAULT now(),
  published_at timestamptz,
  CONSTRAINT metric_alerts_once UNIQUE (system_id, alert_type, ts)
);
CREATE INDEX metric_alerts_unpublished_idx ON metric_alerts (id) WHERE published_at IS NULL;

CREATE FUNCTION watchfloor_metric_alerts_detect() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  alert record;
BEGIN
  FOR alert IN
    WITH crossed AS (
      SELECT m.system_id, t.alert_type, m.collected_at, v.reading,
             CASE WHEN v.reading > t.critical THEN 'critical' WHEN v.reading > t.warning THEN 'warning' END AS level,
             CASE WHEN v.reading > t.critical THEN t.critical ELSE t.warning END AS crossed_at
      FROM added m
      CROSS JOIN metric_thresholds t
      CROSS JOIN LATERAL (SELECT (to_jsonb(m) ->> t.metric)::double precision AS reading) v
      WHERE v.reading IS NOT NULL
    )
    INSERT INTO metric_alerts (system_id, alert_type, severity, value, threshold, ts)
    SELECT system_id, alert_type, level, reading, crossed_at, collected_at FROM crossed WHERE level IS NOT NULL
    ORDER BY system_id, alert_type, collected_at
    ON CONFLICT (system_id, alert_type, ts) DO NOTHING
    RETURNING metric_alerts.id, metric_alerts.system_id, metric_alerts.alert_type, metric_alerts.severity, metric_alerts.value, metric_alerts.threshold, metric_alerts.ts
  LOOP
    PERFORM pg_notify('${METRIC_ALERTS_CHANNEL}', json_build_object('id', alert.id, 'system_id', alert.system_id, 'alert_type', alert.alert_type, 'severity', alert.severity,
      'value', alert.value, 'threshold', alert.threshold, 'timestamp', alert.ts)::text);
  END LOOP;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER system_metrics_alerts AFTER INSERT ON system_metrics REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION watchfloor_metric_alerts_detect();
`;
