import type { QueueInfo } from '../../../../shared/model/overview';
import type { RabbitChannel, RabbitConnection, RabbitNode } from '../../../../shared/model/rabbit-broker';
import { isDeadLetterName } from '../../../../shared/model/topology';
import https from 'node:https';
import type { ResolvedEnvironment, TlsSettings } from '../../environments/resolved-environment';

type ManagementSettings = NonNullable<ResolvedEnvironment['management']>;

/** At most this many queues come back from one listing; more is reported as truncated. */
export const MANAGEMENT_PAGE_SIZE = 500;
export const MANAGEMENT_TIMEOUT_MS = 3000;

interface ManagementQueue {
  name: string;
  messages_ready?: number;
  messages_unacknowledged?: number;
  consumers?: number;
  message_stats?: {
    publish_details?: { rate?: number };
    deliver_get_details?: { rate?: number };
    ack_details?: { rate?: number };
  };
}

/**
 * Only the fields the monitor uses: keeps the per-tick payload small. The rates are RabbitMQ's own
 * (its stats are collected every ~5 s, so they lag by that much).
 */
export const QUEUE_COLUMNS = [
  'name',
  'messages_ready',
  'messages_unacknowledged',
  'consumers',
  'message_stats.publish_details.rate',
  'message_stats.deliver_get_details.rate',
  'message_stats.ack_details.rate',
].join(',');

const rate = (details: { rate?: number } | undefined): number | null => (typeof details?.rate === 'number' ? details.rate : null);
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** One management-API queue as the monitor's {@link QueueInfo}; a rate the API left out is null. */
export function toQueueInfo(q: ManagementQueue): QueueInfo {
  return {
    name: q.name,
    ready: q.messages_ready ?? 0,
    unacked: q.messages_unacknowledged ?? 0,
    consumers: q.consumers ?? 0,
    isDeadLetter: isDeadLetterName(q.name),
    publishRate: rate(q.message_stats?.publish_details),
    deliverRate: rate(q.message_stats?.deliver_get_details),
    ackRate: rate(q.message_stats?.ack_details),
  };
}

/** Thin client of the RabbitMQ management HTTP API: one request per call, with a deadline. */
export class ManagementClient {
  constructor(private readonly settings: ManagementSettings) {}

  private async get<T>(path: string, timeoutMs = MANAGEMENT_TIMEOUT_MS): Promise<T> {
    const auth = Buffer.from(`${this.settings.username}:${this.settings.password}`).toString('base64');
    if (this.settings.tlsSettings) return this.getWithTls<T>(path, auth, timeoutMs, this.settings.tlsSettings);
    const response = await fetch(`${this.settings.baseUrl}${path}`, {
      headers: { authorization: `Basic ${auth}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401) throw Object.assign(new Error('management API: 401 Unauthorized'), { code: 'EAUTH' });
    if (!response.ok) throw new Error(`management API: HTTP ${response.status} ${response.statusText} for ${path}`);
    return (await response.json()) as T;
  }

  /** An https:// request trusting only the environment's CA (and presenting its client certificate). */
  private getWithTls<T>(path: string, auth: string, timeoutMs: number, tls: TlsSettings): Promise<T> {
    if (tls.error) return Promise.reject(Object.assign(new Error(tls.error), { code: 'ERR_TLS_FILE' }));
    return new Promise<T>((resolve, reject) => {
      const request = https.request(
        `${this.settings.baseUrl}${path}`,
        { ...tls.options, headers: { authorization: `Basic ${auth}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => {
            if (response.statusCode === 401) return reject(Object.assign(new Error('management API: 401 Unauthorized'), { code: 'EAUTH' }));
            if (!response.statusCode || response.statusCode >= 300) return reject(new Error(`management API: HTTP ${response.statusCode} ${response.statusMessage ?? ''} for ${path}`));
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  /** Version string of the RabbitMQ server. */
  /** The management user and its tags (`/api/whoami`). */
  async whoami(): Promise<{ name: string; tags: string[] }> {
    const body = await this.get<{ name?: string; tags?: string | string[] }>('/api/whoami');
    const tags = Array.isArray(body.tags) ? body.tags : String(body.tags ?? '').split(',');
    return { name: String(body.name ?? ''), tags: tags.map((t) => t.trim()).filter(Boolean) };
  }

  /** A user's permissions on a vhost, null when it has none there (administrators only may ask). */
  async permissions(vhost: string, user: string): Promise<{ configure: string; write: string; read: string } | null> {
    try {
      const body = await this.get<{ configure?: string; write?: string; read?: string }>(`/api/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(user)}`);
      return { configure: String(body.configure ?? ''), write: String(body.write ?? ''), read: String(body.read ?? '') };
    } catch (error) {
      if (/HTTP 404/.test((error as Error).message)) return null;
      throw error;
    }
  }

  async overview(timeoutMs?: number): Promise<{ rabbitmqVersion: string }> {
    const body = await this.get<{ rabbitmq_version?: string }>('/api/overview', timeoutMs);
    return { rabbitmqVersion: body.rabbitmq_version ?? 'unknown' };
  }

  /**
   * The dead-letter exchange a queue uses, from its arguments (`x-dead-letter-exchange`) or from a
   * policy / operator policy (`dead-letter-exchange`); null when it has none. Throws when the API
   * cannot tell (unreachable, 404).
   */
  async queueDeadLetterExchange(vhost: string, queue: string): Promise<string | null> {
    const body = await this.get<{ arguments?: Record<string, unknown>; effective_policy_definition?: Record<string, unknown> | unknown[] }>(
      `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`,
    );
    const fromArgs = body.arguments?.['x-dead-letter-exchange'];
    if (typeof fromArgs === 'string') return fromArgs;
    const policy = body.effective_policy_definition;
    const fromPolicy = policy && !Array.isArray(policy) ? policy['dead-letter-exchange'] : undefined;
    return typeof fromPolicy === 'string' ? fromPolicy : null;
  }

  /**
   * Whether a queue refuses publishes when full (`x-overflow` / policy `overflow` of reject-publish
   * or reject-publish-dlx, with a length limit): only a publisher with confirms hears of it.
   */
  async queueRejectsWhenFull(vhost: string, queue: string): Promise<boolean> {
    const body = await this.get<{ arguments?: Record<string, unknown>; effective_policy_definition?: Record<string, unknown> | unknown[] }>(
      `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`,
    );
    const policy = body.effective_policy_definition && !Array.isArray(body.effective_policy_definition) ? body.effective_policy_definition : {};
    const overflow = body.arguments?.['x-overflow'] ?? policy['overflow'];
    const limited = ['x-max-length', 'x-max-length-bytes'].some((k) => body.arguments?.[k] !== undefined) || ['max-length', 'max-length-bytes'].some((k) => policy[k] !== undefined);
    return limited && typeof overflow === 'string' && overflow.startsWith('reject-publish');
  }

  /** Queues of `vhost` whose names start with `prefix`, one page, sorted by name. */
  async queues(vhost: string, prefix: string): Promise<{ queues: QueueInfo[]; truncated: boolean }> {
    const params = new URLSearchParams({
      page: '1',
      page_size: String(MANAGEMENT_PAGE_SIZE),
      columns: QUEUE_COLUMNS,
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
      queues: body.items.map(toQueueInfo),
      truncated: body.filtered_count > body.items.length,
    };
  }
  /** Every node with its memory, disk and file-descriptor use and alarms (`/api/nodes`). */
  async nodes(): Promise<RabbitNode[]> {
    const columns = 'name,running,mem_used,mem_limit,mem_alarm,disk_free,disk_free_limit,disk_free_alarm,fd_used,fd_total,uptime,partitions';
    const body = await this.get<Record<string, unknown>[]>(`/api/nodes?columns=${columns}`);
    return body.map((n) => ({
      name: String(n.name ?? ''),
      running: n.running !== false,
      memUsed: numberOrNull(n.mem_used),
      memLimit: numberOrNull(n.mem_limit),
      memAlarm: n.mem_alarm === true,
      diskFree: numberOrNull(n.disk_free),
      diskFreeLimit: numberOrNull(n.disk_free_limit),
      diskAlarm: n.disk_free_alarm === true,
      fdUsed: numberOrNull(n.fd_used),
      fdTotal: numberOrNull(n.fd_total),
      uptimeMs: numberOrNull(n.uptime),
      partitions: Array.isArray(n.partitions) ? n.partitions.map(String) : [],
    }));
  }

  /** One page of client connections, blocked ones first (`/api/connections`), with the total. */
  async connections(limit: number): Promise<{ items: RabbitConnection[]; total: number }> {
    const columns = 'name,user,vhost,peer_host,peer_port,state,channels,client_properties.connection_name,client_properties.product,client_properties.version,recv_oct_details.rate,send_oct_details.rate,connected_at';
    const params = new URLSearchParams({ page: '1', page_size: String(limit), columns, sort: 'state', sort_reverse: 'false' });
    const body = await this.get<{ items: Record<string, unknown>[]; total_count?: number; filtered_count?: number }>(`/api/connections?${params.toString()}`);
    const items = body.items.map((c): RabbitConnection => {
      const client = (c.client_properties ?? {}) as Record<string, unknown>;
      const product = typeof client.product === 'string' ? `${client.product}${typeof client.version === 'string' ? ` ${client.version}` : ''}` : null;
      return {
        name: String(c.name ?? ''),
        user: String(c.user ?? ''),
        vhost: String(c.vhost ?? ''),
        peer: `${String(c.peer_host ?? '?')}:${String(c.peer_port ?? '?')}`,
        clientName: typeof client.connection_name === 'string' ? client.connection_name : null,
        product,
        state: String(c.state ?? 'unknown'),
        channels: numberOrNull(c.channels) ?? 0,
        recvBytesRate: rate(c.recv_oct_details as { rate?: number } | undefined),
        sendBytesRate: rate(c.send_oct_details as { rate?: number } | undefined),
        connectedAt: numberOrNull(c.connected_at),
      };
    });
    return { items, total: body.filtered_count ?? body.total_count ?? items.length };
  }

  /** One page of channels (`/api/channels`), with the total. */
  async channels(limit: number): Promise<{ items: RabbitChannel[]; total: number }> {
    const columns = 'name,connection_details.name,number,consumer_count,prefetch_count,messages_unacknowledged,state';
    const params = new URLSearchParams({ page: '1', page_size: String(limit), columns, sort: 'name' });
    const body = await this.get<{ items: Record<string, unknown>[]; total_count?: number; filtered_count?: number }>(`/api/channels?${params.toString()}`);
    const items = body.items.map((c): RabbitChannel => ({
      name: String(c.name ?? ''),
      connection: String((c.connection_details as { name?: unknown } | undefined)?.name ?? ''),
      number: numberOrNull(c.number) ?? 0,
      consumers: numberOrNull(c.consumer_count) ?? 0,
      prefetch: numberOrNull(c.prefetch_count) ?? 0,
      unacked: numberOrNull(c.messages_unacknowledged) ?? 0,
      state: String(c.state ?? 'unknown'),
    }));
    return { items, total: body.filtered_count ?? body.total_count ?? items.length };
  }
}
