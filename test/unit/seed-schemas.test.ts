import { describe, expect, it } from 'vitest';
import { CollectedMetrics, DiscoveryMessage, SystemAlert } from '../../shared/schemas/rabbitmq-messages';
import { SecurityEvent, SecurityMetric, SecurityScan } from '../../shared/schemas/security-streams';
import { EntityEvent } from '../../shared/schemas/entity-events';
import { IdempotentJob } from '../../shared/schemas/bullmq-jobs';
import { collectedMetrics, createRandom, discoveryMessage, malformed, securityEvent, securityMetric, securityScan, systemAlert } from '../../electron/core/demo/message-factory';

describe('seed message schemas and the demo producers', () => {
  const random = createRandom(42);
  const now = Date.parse('2026-11-22T10:00:00Z');

  it('every simulated message is valid in its seed format', () => {
    for (let i = 0; i < 200; i++) {
      expect(SecurityEvent.safeParse(securityEvent(random, now)).success).toBe(true);
      expect(SecurityMetric.safeParse(securityMetric(random, now)).success).toBe(true);
      expect(SecurityScan.safeParse(securityScan(random, now)).success).toBe(true);
      expect(DiscoveryMessage.safeParse(discoveryMessage(random, now)).success).toBe(true);
      expect(CollectedMetrics.safeParse(collectedMetrics(random, now)).success).toBe(true);
      const alert = systemAlert(random, now);
      expect(SystemAlert.safeParse(alert.message).success).toBe(true);
      expect(alert.routingKey).toBe(`alerts.${(alert.message as { severity: string }).severity}`);
    }
  });

  it('every malformed message is rejected by its schema', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = malformed(random, securityEvent(random, now));
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString());
      } catch {
        continue; // broken JSON: rejected before the schema
      }
      expect(SecurityEvent.safeParse(parsed).success).toBe(false);
    }
  });

  it('validates the seed 000 example event and the seed 004 entity events', () => {
    expect(SecurityEvent.safeParse({
      id: 'uuid', timestamp: '2024-08-25T10:30:00Z', organization_id: 'uuid', asset_id: 'uuid', event_type: 'kong_http_admin_detected',
      severity: 'critical', source: 'kong_monitor', title: 'Kong Admin API exposed over HTTP', description: 'd',
      metadata: { endpoint: 'http://kong-admin:8001' }, tags: ['kong'], correlation_id: 'uuid', raw_data: {},
    }).success).toBe(true);
    expect(EntityEvent.safeParse({ messageType: 'CACHE_INVALIDATION', timestamp: 't', payload: { cacheKeys: ['a'], reason: 'MANUAL', affectedServices: [] } }).success).toBe(true);
    expect(EntityEvent.safeParse({ messageType: 'DELETE_EVERYTHING' }).success).toBe(false);
    expect(IdempotentJob.safeParse({ jobId: 'j', idempotencyKey: `t1:ingest:${'a'.repeat(64)}:123`, tenantId: 't1', data: {}, metadata: { correlationId: 'c', source: 's', createdAt: 1 } }).success).toBe(true);
  });
});
