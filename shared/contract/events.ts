import { z } from 'zod';
import { EnvironmentView } from '../model/environment';
import { DemoStatus, EnvironmentOverview } from '../model/overview';
import { rulesFiringEvent } from './method-groups/rules';
import { bullmqTickEvent } from './method-groups/bullmq';
import { pubsubMessagesEvent } from './method-groups/pubsub';
import { alertsChangedEvent } from './method-groups/alerts';
import { workersChangedEvent } from './method-groups/workers';

/**
 * Every event the host pushes: topic → payload schema. High-rate topics are batched by the host
 * (at most 4 flushes a second per topic).
 */
export const events = {
  /** Latest overview of each environment that changed since the last flush. */
  'overview.tick': z.object({ overviews: z.array(EnvironmentOverview), dropped: z.number() }),
  'environments.changed': z.object({ environments: z.array(EnvironmentView) }),
  'demo.status': DemoStatus,
  /** Firing queue-health rules of each environment whose list changed since the last flush. */
  'rules.firing': rulesFiringEvent,
  /** BullMQ overview of each environment that changed since the last flush. */
  'bullmq.tick': bullmqTickEvent,
  /** Messages of live pub/sub tails, batched (at most 4 flushes a second, 200 messages per tail per flush). */
  'pubsub.messages': pubsubMessagesEvent,
  /** Alerts of one environment that changed on any console (at most 4 flushes a second). */
  'alerts.changed': alertsChangedEvent,
  /** Worker status of each environment that changed since the last flush (at most 4 flushes a second). */
  'workers.changed': workersChangedEvent,
} as const;

export type Events = typeof events;
export type TopicName = keyof Events;
export type PayloadOf<T extends TopicName> = z.output<Events[T]>;

export const TOPIC_NAMES = Object.keys(events) as TopicName[];

/** True when `name` is a topic of the contract. */
export function isTopicName(name: unknown): name is TopicName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
