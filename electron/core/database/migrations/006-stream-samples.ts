/**
 * Schema version 6: the console's own samples of stream depth, one per stream (group '') and per
 * consumer group a minute, so a stream's charts reach back 24 hours and 7 days beyond the live
 * hour the console keeps in memory. The first console to write a minute wins (ON CONFLICT DO
 * NOTHING); the console's retention job keeps 7 days.
 */
export const MIGRATION_006 = `
CREATE TABLE stream_samples (
  stream     text        NOT NULL,
  grp        text        NOT NULL,
  minute     timestamptz NOT NULL,
  length     bigint,
  lag        bigint,
  rate       double precision,
  CONSTRAINT stream_samples_pkey PRIMARY KEY (stream, grp, minute)
);
CREATE INDEX stream_samples_minute_idx ON stream_samples (minute);
`;
