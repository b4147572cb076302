/**
 * Schema version 1: the seed 000 pipeline tables on plain PostgreSQL. Each primary key makes a
 * redelivery harmless (INSERT … ON CONFLICT DO NOTHING): an event by its id, a scan state by scan
 * id and status, a metric sample by asset, metric type and timestamp. Time indexes for history.
 */
export const MIGRATION_001 = `
CREATE TABLE events (
  id              text        NOT NULL,
  ts              timestamptz NOT NULL,
  organization_id text        NOT NULL,
  asset_id        text        NOT NULL,
  event_type      text        NOT NULL,
  severity        text        NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  source          text        NOT NULL,
  title           text        NOT NULL,
  description     text        NOT NULL,
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  tags            text[]      NOT NULL DEFAULT '{}',
  correlation_id  text        NOT NULL,
  raw_data        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  stream_entry_id text,
  stored_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_pkey PRIMARY KEY (id)
);
CREATE INDEX events_ts_idx ON events (ts DESC);
CREATE INDEX events_asset_ts_idx ON events (asset_id, ts DESC);
CREATE INDEX events_severity_ts_idx ON events (severity, ts DESC);

CREATE TABLE scans (
  scan_id         text        NOT NULL,
  status          text        NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  scan_type       text        NOT NULL,
  organization_id text        NOT NULL,
  asset_id        text        NOT NULL,
  priority        text        NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
  scheduled_time  timestamptz NOT NULL,
  parameters      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  findings_count  integer CHECK (findings_count >= 0),
  critical_issues integer CHECK (critical_issues >= 0),
  scan_duration   double precision CHECK (scan_duration >= 0),
  stream_entry_id text,
  stored_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT scans_pkey PRIMARY KEY (scan_id, status)
);
CREATE INDEX scans_scheduled_idx ON scans (scheduled_time DESC);
CREATE INDEX scans_asset_idx ON scans (asset_id, scheduled_time DESC);

CREATE TABLE metrics (
  asset_id        text        NOT NULL,
  metric_type     text        NOT NULL,
  ts              timestamptz NOT NULL,
  organization_id text        NOT NULL,
  metrics         jsonb       NOT NULL,
  tags            jsonb       NOT NULL DEFAULT '{}'::jsonb,
  stream_entry_id text,
  stored_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT metrics_pkey PRIMARY KEY (asset_id, metric_type, ts)
);
CREATE INDEX metrics_ts_idx ON metrics (ts DESC);
`;
