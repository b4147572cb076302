import type { QueueInfo } from '../../../../shared/model/overview';
import { isDeadLetterName } from '../../../../shared/model/topology';
import type { ResolvedEnvironment } from '../../environments/resolved-environment';

type ManagementSettings = NonNullable<ResolvedEnvironment['management']>;

/** At most this many queues come back from one listing; more is reported as truncated. */
export const MANAGEMENT_PAGE_SIZE = 500;
export const MANAGEMENT_TIMEOUT_MS = 3000;

interface ManagementQueue {
  name: string;
  messages_ready?: number;
  messages_unacknowledged?: number;
  consumers?: number;
}

/** Thin client of the RabbitMQ management HTTP API: one request per call, with a deadline. */
export class ManagementClient {
  constructor(private readonly settings: ManagementSettings) {}

  private async get<T>(path: string, timeoutMs = MANAGEMENT_TIMEOUT_MS): Promise<T> {
    const auth = Buffer.from(`${this.settings.username}:${this.settings.password}`).toString('base64');
    const response = await fetch(`${this.settings.baseUrl}${path}`, {
      headers: { authorization: `Basic ${auth}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401) throw Object.assign(new Error('management API: 401 Unauthorized'), { code: 'EAUTH' });
    if (!response.ok) throw new Error(`management API: HTTP ${response.status} ${response.statusText} for ${path}`);
    return (await response.json()) as T;
  }

  /** Version string of the RabbitMQ server. */
  async overview(timeoutMs?: number): Promise<{ rabbitmqVersion: string }> {
    const body = await this.get<{ rabbitmq_version?: string }>('/api/overview', timeoutMs);
    return { rabbitmqVersion: body.rabbitmq_version ?? 'unknown' };
  }

  /** Queues of `vhost` whose names start with `prefix`, one page, sorted by name. */
  async queues(vhost: string, prefix: string): Promise<{ queues: QueueInfo[]; truncated: boolean }> {
    const params = new URLSearchParams({
      page: '1',
      page_size: String(MANAGEMENT_PAGE_SIZE),
      columns: 'name,messages_ready,messages_unacknowledged,consumers',
      sort: 'name',
    });
    if (prefix) {
      params.set('name', `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
      params.set('use_regex', 'true');
    }
    const body = await this.get<{ items: ManagementQueue[]; filtered_count: number }>(
      `/api/queues/${encodeURIComponent(vhost)}?${params.toString()}`,
    );
    return {
      queues: body.items.map((q) => ({
        name: q.name,
        ready: q.messages_ready ?? 0,
        unacked: q.messages_unacknowledged ?? 0,
        consumers: q.consumers ?? 0,
        isDeadLetter: isDeadLetterName(q.name),
      })),
      truncated: body.filtered_count > body.items.length,
    };
  }
}
