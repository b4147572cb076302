import { describe, expect, it } from 'vitest';
import { alertFromEvent } from '../../../electron/core/alerts/console-alert';
import type { SecurityEvent } from '../../../shared/schemas/security-streams';

const event = (severity: SecurityEvent['severity']): SecurityEvent =>
  ({
    id: '6f1c2b0e-1d2c-4b5a-9e8f-0a1b2c3d4e5f',
    timestamp: '2024-08-25T10:30:00Z',
    organization_id: 'org',
    asset_id: 'asset',
    event_type: 'kong_http_admin_detected',
    severity,
    source: 'kong_monitor',
    title: 'Kong Admin API exposed over HTTP',
    description: 'd',
    metadata: {},
    tags: [],
    correlation_id: 'c',
    raw_data: {},
  }) as SecurityEvent;

describe('SLA of the alerts the event processor raises', () => {
  const now = Date.parse('2024-08-25T10:30:00Z');
  it('gives a critical alert the seed example SLA: one hour (10:30 → 11:30)', () => {
    expect(alertFromEvent(event('critical'), 'critical_events', now).metadata.sla_deadline).toBe('2024-08-25T11:30:00.000Z');
  });
  it('gives a high alert (and a lower event raised as high) the level-3 limit, two hours: the seed names no other SLA', () => {
    expect(alertFromEvent(event('high'), 'critical_events', now).metadata.sla_deadline).toBe('2024-08-25T12:30:00.000Z');
    expect(alertFromEvent(event('medium'), 'critical_events', now)).toMatchObject({ severity: 'high', metadata: { sla_deadline: '2024-08-25T12:30:00.000Z' } });
  });
});
