import type { EnvironmentView } from '../../../shared/model/environment';
import type { DemoStatus, EnvironmentOverview, QueueInfo, StreamGroupInfo, StreamInfo } from '../../../shared/model/overview';

/** Builders for renderer store tests: valid contract objects with only what a test cares about changed. */

export function environmentView(overrides: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    id: 'env-1',
    name: 'Local',
    colour: '#2f81f7',
    production: false,
    readOnly: false,
    opensReadOnly: false,
    writableUntil: null,
    role: 'admin',
    hasPayloadKey: false,
    namespace: '',
    redis: { url: 'redis://127.0.0.1:6379', username: '', hasPassword: false, tls: false },
    amqp: { url: 'amqp://guest@127.0.0.1:5672', hasPassword: true },
    managementUrl: null,
    ...overrides,
  };
}

export function stream(name: string, length: number, overrides: Partial<StreamInfo> = {}): StreamInfo {
  return { name, length, groups: [], isDeadLetter: false, bullQueue: null, entriesAdded: null, addRate: null, lastEntryId: null, ...overrides };
}

export function overview(envId: string, at: number, streams: StreamInfo[] | null = []): EnvironmentOverview {
  return {
    envId,
    at,
    redis: { status: { state: 'connected', since: 1 }, streams, staleSince: null, truncated: false },
    amqp: { status: { state: 'not-configured', since: 1 }, source: null, queues: null, staleSince: null, note: null },
  };
}

export function demoStatus(envId: string, overrides: Partial<DemoStatus> = {}): DemoStatus {
  return { envId, running: false, rate: 20, startedAt: null, produced: { redis: 0, amqp: 0, malformed: 0 }, lastError: null, ...overrides };
}

export function group(name: string, overrides: Partial<StreamGroupInfo> = {}): StreamGroupInfo {
  return { name, consumers: 0, pending: 0, lag: 0, lagEstimated: false, lastDeliveredId: '0-0', entriesRead: null, readRate: null, oldestPendingMs: null, consumerList: [], ...overrides };
}

export function queue(name: string, ready: number, overrides: Partial<QueueInfo> = {}): QueueInfo {
  return { name, ready, unacked: 0, consumers: 0, isDeadLetter: false, publishRate: null, deliverRate: null, ackRate: null, ...overrides };
}
