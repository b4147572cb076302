/**
 * Schema version 7: the console's own samples of queue depth and rates, one per queue a minute,
 * so the RabbitMQ queue detail and the BullMQ queue charts reach back 24 hours and 7 days beyond
 * the live hour the console keeps in memory (as stream_samples does for streams). A RabbitMQ row
 * fills ready/unacked/consumers and the three rates (null when only a passive declare could read
 * the queue); a BullMQ row fills the job counts. The first console to write a minute wins (ON
 * CONFLICT DO NOTHING); the console's retention job keeps 7 days.
 */
export const MIGRATION_007 = `
CREATE TABLE queue_samples (
  broker       text        NOT NULL CHECK (broker IN ('rabbitmq', 'bullmq')),
  queue        text        NOT NULL,
  minute       timestamptz NOT NULL,
  ready        bigint,
  unacked      bigint,
  consumers    integer,
  publish_rate double precision,
  deliver_rate double precision,
  ack_rate     double precision,
  waiting      bigint,
  active       bigint,
  delayed      bigint,
  prioritized  bigint,
  failed       bigint,
  completed    bigint,
  CONSTRAINT queue_samples_pkey PRIMARY KEY (broker, queue, minute)
);
CREATE INDEX queue_samples_minute_idx ON queue_samples (minute);
`;
