import os from 'node:os';
import { openPayload, type PayloadKeyring } from '../payload-crypto';
import { DEFAULT_ESCALATION_POLICY, EscalationPolicy, type AlertState } from '../../../shared/model/alerts';
import { CodedError } from '../../../shared/contract/errors';
import { STREAM_PAYLOAD_FIELD, topologyFor } from '../../../shared/model/topology';
import { fieldOf } from '../brokers/redis/fields';
import { SecurityAlert } from '../../../shared/schemas/security-streams';
import type { RedisConnection } from '../brokers/redis/redis-connection';
import type { Clock, Logger } from '../ports';
import type { Redactor } from '../redaction';
import { AlertStore } from './alert-store';
import { EscalationEngine } from './escalation-engine';
import { readSharedPolicy } from './shared-policy';
import { DlqAlertWatch } from './dlq-alert-watch';
import { AlertChangeFeed } from './alert-change-feed';

/** Raises the shared "ingested up to" cursor, never lowers it. KEYS: cursor. ARGV: id. */
const RAISE_CURSOR = `
local current = redis.call('GET', KEYS[1])
local function parts(id) local ms, seq = string.match(id, '^(%d+)-(%d+)$') return tonumber(ms), tonumber(seq) end
if current then
  local cm, cs = parts(current)
  local nm, ns = parts(ARGV[1])
  if nm < cm or (nm == cm and ns <= cs) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

/**
 * Alerts of one environment: the shared store in its Redis, an ingester that turns each seed-000
 * message on `security.alerts` into alert state and the escalation engine. The ingester reads
 * with plain XREAD from a cursor shared in Redis (`watchfloor:alerts:ingested`), not a consumer
 * group — a group left behind by closed consoles would show growing lag and fire the lag rule.
 * Every console may read the same entries: creation is idempotent (one Lua script), so each alert
 * is created once. It also raises seed 000's dead-letter alerts (dlq-alert-watch.ts). On a read-only
 * environment neither the ingester nor the engine runs — they write — and actions are refused.
 */
export interface AlertServiceOptions {
  /** How often new alerts are ingested, ms (one XREAD each); changes are followed with a blocking read. */
  pollMs?: number;
  /** XREAD BLOCK timeout of the change feed, ms: bounds how long a stop waits for the feed. */
  feedBlockMs?: number;
  policy?: EscalationPolicy;
  engine?: { leaseMs?: number; tickMs?: number };
  /** Neither ingest, escalate nor follow changes (one-shot CLI commands only read and act). */
  passive?: boolean;
  /** Seed 000's DLQ alerts (priority DLQ at once, events DLQ at 100): on unless false. */
  watchDeadLetters?: boolean;
  /** The environment's payload keys: encrypted alerts (seed 001) are opened with them. */
  payloadKeys?: PayloadKeyring | null;
}

export class AlertService {
  readonly store: AlertStore;
  private engine: EscalationEngine | null = null;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private stopped = false;
  private readonly stream: string;
  private readonly cursorKey: string;
  private cursor: string | null = null;
  /** Follows the team audit stream (every change of any alert is one entry there). */
  private feed: AlertChangeFeed | null = null;
  private readonly listeners = new Set<(changed: AlertState[]) => void>();
  private readonly pollMs: number;
  private polls = 0;
  private readonly dlqWatch: DlqAlertWatch | null;

  constructor(
    private readonly redis: RedisConnection,
    namespace: string,
    private readonly isWritable: boolean,
    private readonly deps: { clock: Clock; logger: Logger; redactor: Redactor },
    private readonly options: AlertServiceOptions = {},
  ) {
    this.store = new AlertStore(redis.standaloneClient, namespace, options.policy ?? DEFAULT_ESCALATION_POLICY);
    this.stream = topologyFor(namespace).streams['security.alerts']!.name;
    this.cursorKey = `${namespace}watchfloor:alerts:ingested`;
    this.pollMs = options.pollMs ?? 250;
    this.dlqWatch = options.watchDeadLetters === false ? null : new DlqAlertWatch(redis.standaloneClient, { namespace, organizationId: namespace || 'watchfloor', retention: { who: `system: DLQ retention (console ${os.hostname()}-${process.pid})` } });
  }

  /** Called with the alerts that changed (created, acted on, escalated) on any console. */
  onChange(listener: (changed: AlertState[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.options.passive) return;
    if (this.isWritable) {
      this.engine = new EscalationEngine(this.redis.standaloneClient, this.store, {
        ...this.options.engine,
        onError: (error) => {
          if (this.redis.isReady) this.deps.logger.warn(`escalation engine: ${this.deps.redactor.redact(error instanceof Error ? error.message : String(error))}`);
        },
      });
      this.engine.start();
    }
    this.feed = new AlertChangeFeed(
      this.redis.standaloneClient,
      this.store.keys.audit,
      async (ids) => {
        const { alerts: changed, unread } = await this.store.getMany(ids);
        if (changed.length) for (const listener of this.listeners) listener(changed);
        // A passing failure (a timeout) makes the feed read the same entries again (its cursor
        // stays; a repeated change is ignored by version); a lasting one is said, not retried forever.
        if (unread?.retryable) throw new Error(`${unread.count} changed alert(s) could not be read (${unread.reason}); reading again`);
        if (unread) this.deps.logger.warn(`alerts: change feed: ${unread.count} changed alert(s) could not be read: ${this.deps.redactor.redact(unread.reason)} (e.g. ${unread.sampleIds.join(', ')})`);
      },
      (error) => this.deps.logger.warn(`alerts: change feed: ${this.deps.redactor.redact(error instanceof Error ? error.message : String(error))}`),
      { blockMs: this.options.feedBlockMs ?? 1000 },
    );
    this.feed.start();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref?.();
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.engine?.stop();
    return this.feed?.stop() ?? Promise.resolve();
  }

  /** One pass: ingest new alerts (writable environments only) and check the DLQ alerts; changes come from the feed. */
  async poll(): Promise<void> {
    if (this.stopped || this.inFlight || !this.redis.isReady) return;
    this.inFlight = true;
    try {
      // The shared policy is re-read every 20 polls (5 s at the default interval).
      if (this.polls++ % 20 === 0) await this.loadPolicy();
      if (this.isWritable) await this.ingestOnce();
      if (this.isWritable) await this.dlqWatch?.check();
    } catch (error) {
      this.deps.logger.warn(`alerts: ${this.deps.redactor.redact((error as Error).message)}`);
    } finally {
      this.inFlight = false;
    }
  }

  /** The environment's escalation policy from Redis (the seed default when none is set). */
  async loadPolicy(): Promise<EscalationPolicy> {
    const { policy, problem } = await readSharedPolicy(this.redis.standaloneClient, this.store.keys.policy, this.options.policy ?? DEFAULT_ESCALATION_POLICY);
    if (problem) this.deps.logger.warn(`alerts: ${problem}`);
    this.store.policy = policy;
    return policy;
  }

  /** Sets the environment's escalation policy for every console (new and pending escalations follow it). */
  async savePolicy(input: unknown): Promise<EscalationPolicy> {
    const parsed = EscalationPolicy.safeParse(input);
    if (!parsed.success) throw new CodedError('VALIDATION', `invalid escalation policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    await this.redis.standaloneClient.set(this.store.keys.policy, JSON.stringify(parsed.data));
    this.store.policy = parsed.data;
    return parsed.data;
  }

  /** Reads new alerts (at most 500 per pass) and creates their state; malformed ones are logged and skipped. */
  async ingestOnce(): Promise<number> {
    const client = this.redis.standaloneClient;
    if (this.cursor === null) {
      // Where any console got to; the first console ever starts at the stream's end: alerts
      // from before are the pipeline's history, not new work.
      const shared = await client.get(this.cursorKey);
      if (shared) this.cursor = shared;
      else {
        const last = (await client.xrevrange(this.stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
        this.cursor = last[0]?.[0] ?? '0-0';
        await client.eval(RAISE_CURSOR, 1, this.cursorKey, this.cursor);
      }
    }
    const reply = (await client.xread('COUNT', 500, 'STREAMS', this.stream, this.cursor)) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    let created = 0;
    for (const [entryId, fields] of entries) {
      let raw = fieldOf(fields, STREAM_PAYLOAD_FIELD);
      const opened = raw && this.options.payloadKeys ? openPayload(Buffer.from(raw, 'utf8'), this.options.payloadKeys) : null;
      if (opened) raw = 'plain' in opened ? opened.plain.toString('utf8') : undefined;
      let parsed: ReturnType<typeof SecurityAlert.safeParse> | null;
      try {
        parsed = SecurityAlert.safeParse(JSON.parse(raw ?? ''));
      } catch {
        parsed = null;
      }
      if (parsed?.success) {
        if (await this.store.ingest(parsed.data, this.deps.clock.now())) created++;
      } else {
        this.deps.logger.warn(`alerts: entry ${entryId} of ${this.stream} ${opened && 'error' in opened ? opened.error : 'is not a seed-000 alert'}; skipped`);
      }
    }
    if (entries.length > 0) {
      this.cursor = entries[entries.length - 1]![0];
      await client.eval(RAISE_CURSOR, 1, this.cursorKey, this.cursor);
    }
    return created;
  }
}
