import { describe, expect, it } from 'vitest';
import {
  describeBrokerStatus,
  describeGroup,
  describeQueueSource,
  describeTestResult,
  shortId,
  formatDateTime,
  failureKindLabel,
  formatClock,
  formatCount,
  readableTextColour,
  sparklinePoints,
} from '../../../renderer/src/components/format';

describe('formatting for the overview', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('formats a clock as HH:MM:SS', () => {
    const at = new Date(2025, 0, 2, 3, 4, 5).getTime();
    expect(formatClock(at)).toBe('03:04:05');
  });

  it('labels failure kinds the way an operator says them', () => {
    expect(failureKindLabel('refused')).toBe('Connection refused');
    expect(failureKindLabel('auth')).toBe('Authentication failed');
    expect(failureKindLabel('timeout')).toBe('Timed out');
    expect(failureKindLabel('tls')).toBe('TLS error');
    expect(failureKindLabel('dns')).toBe('Host not found');
  });

  it('describes every broker state', () => {
    expect(describeBrokerStatus({ state: 'connected', since: 0 })).toEqual({ tone: 'ok', text: 'Connected' });
    expect(describeBrokerStatus({ state: 'connecting', since: 0 })).toEqual({ tone: 'warn', text: 'Connecting…' });
    expect(describeBrokerStatus({ state: 'not-configured', since: 0 })).toEqual({ tone: 'muted', text: 'Not configured' });
    expect(describeBrokerStatus({ state: 'disconnected', since: 0, failure: { kind: 'auth', message: 'WRONGPASS' } })).toEqual({
      tone: 'bad',
      text: 'Disconnected — Authentication failed: WRONGPASS',
    });
  });

  it('describes a consumer group, with n/a for an unknown lag', () => {
    expect(describeGroup({ lag: null, pending: 1200, consumers: 2 })).toBe('lag n/a · pending 1,200 · consumers 2');
    expect(describeGroup({ lag: 0, pending: 0, consumers: 0 })).toBe('lag 0 · pending 0 · consumers 0');
  });

  it('names the queue data source', () => {
    expect(describeQueueSource('management')).toBe('via management API (RabbitMQ refreshes these statistics every ~5 s)');
    expect(describeQueueSource('passive')).toBe('passive declare (depth and consumers only)');
    expect(describeQueueSource(null)).toBeNull();
  });

  it('describes a connection test per broker', () => {
    expect(describeTestResult({ configured: false, ok: false })).toEqual({ tone: 'muted', text: 'Not configured' });
    expect(describeTestResult({ configured: true, ok: true, latencyMs: 3.4, serverVersion: '7.2.4' }).text).toBe('OK — 3 ms · version 7.2.4');
    expect(describeTestResult({ configured: true, ok: false, failure: { kind: 'refused', message: 'ECONNREFUSED 127.0.0.1:1' } }).text).toBe(
      'Connection refused: ECONNREFUSED 127.0.0.1:1',
    );
  });

  it('picks readable text on an environment colour', () => {
    expect(readableTextColour('#ffff00')).toBe('#000000');
    expect(readableTextColour('#b62324')).toBe('#ffffff');
    expect(readableTextColour('not a colour')).toBe('#ffffff');
  });

  it('draws a sparkline inside its box, flat when constant', () => {
    expect(sparklinePoints([], 10, 10)).toBe('');
    expect(sparklinePoints([5, 5], 10, 10)).toBe('0,5 10,5');
    expect(sparklinePoints([0, 10], 10, 10)).toBe('0,9 10,1');
  });
});

describe('test result with a warning', () => {
  it('is OK in the warning tone and says the warning', () => {
    expect(describeTestResult({ configured: true, ok: true, latencyMs: 2, warning: 'this Redis requires no password' })).toEqual({ tone: 'warn', text: 'OK — 2 ms — warning: this Redis requires no password' });
    expect(describeTestResult({ configured: true, ok: true, latencyMs: 2 }).tone).toBe('ok');
  });
});

describe('shortId', () => {
  it('keeps short ids whole and long ones recognisable at both ends', () => {
    expect(shortId('system-46')).toBe('system-46');
    expect(shortId('8354f70f-1024-45e1-83d3-e98ce9a6b4a8')).toBe('8354f70f-1…6b4a8');
    expect(shortId('8354f70f-1024-45e1-83d3-e98ce9a6b4a8').length).toBe(16);
    expect(shortId('8354f70f-1024-45e1-83d3-e98ce9a6b4a8').endsWith('b4a8')).toBe(true);
  });
});

describe('formatDateTime', () => {
  it('gives the local date with the time, two digits each', () => {
    const at = new Date(2026, 0, 5, 3, 4, 5).getTime();
    expect(formatDateTime(at)).toBe('2026-01-05 03:04:05');
  });
});
