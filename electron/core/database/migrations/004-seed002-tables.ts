/**
 * Schema version 4: seed 002's tables, with the seed's field names. `systems` (the Scanner's
 * `discovery_queue` messages): one row per scan and IP address, so a redelivered discovery is
 * skipped and the next scan's sighting is a row of its own. `system_metrics` (the Collector's
 * `metrics_queue` messages; seed 002 calls it `metrics`, a name seed 000's table already has): one
 * row per system and collection time. `message_id` is the delivery's id (messageId, or a hash of
 * the body), for tracing a row back to its message.
 */
export const MIGRATION_004 = `
CREATE TABLE systems (
  scan_id       bigint      NOT NULL,
  dept_id       integer     NOT NULL,
  ip_address    inet        NOT NULL,
  hostname      text        NOT NULL,
  mac_address   macaddr     NOT NULL,
  discovered_at timestamptz NOT NULL,
  scan_type     text        NOT NULL,
  message_id    text,
  stored_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT systems_pkey PRIMARY KEY (scan_id, ip_address)
);
CREATE INDEX systems_ip_idx ON systems (ip_address, discovered_at DESC);
CREATE INDEX systems_discovered_idx ON systems (discovered_at DESC);

CREATE TABLE system_metrics (
  system_id         bigint           NOT NULL,
  collected_at      timestamptz      NOT NULL,
  cpu_percent       double precision NOT NULL,
  ram_percent       double precision NOT NULL,
  disk_percent      double precision NOT NULL,
  network_sent_mbps double precision NOT NULL,
  network_recv_mbps double precision NOT NULL,
  gpu_percent       double precision,
  uptime_seconds    bigint           NOT NULL CHECK (uptime_seconds >= 0),
  logged_in_users   integer          NOT NULL CHECK (logged_in_users >= 0),
  message_id        text,
  stored_at         timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT system_metrics_pkey PRIMARY KEY (system_id, collected_at)
);
CREATE INDEX system_metrics_collected_idx ON system_metrics (collected_at DESC);
`;
