import { describe, expect, it } from 'vitest';
import { createRandom, securityScan } from '../../../electron/core/demo/message-factory';
import { SEED_RETRY_POLICIES } from '../../../electron/core/workers/backoff';
import { findingsEventId, findingsSeverity, HIGH_FINDINGS_THRESHOLD } from '../../../electron/core/workers/processors/scan-event';
import { ScanHandler } from '../../../electron/core/workers/processors/scan-handler';
import type { Outcome } from '../../../electron/core/workers/stream-handler';
import { SecurityEvent, SecurityScan } from '../../../shared/schemas/security-streams';
import { streamMessage } from './stream-messages';

const NS = 'unit-ns:';
const ENTRY_ID = '1764000000000-3';

function scan(overrides: Partial<SecurityScan> = {}): SecurityScan {
  return {
    scan_id: '0b6f3c1e-8a7d-4c52-9e1f-2d3a4b5c6d7e',
    scan_type: 'kong_configuration_audit',
    status: 'completed',
    organization_id: '7c1d4f2e-0b7a-4c43-9f3e-4d1f0e2a6b10',
    asset_id: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
    priority: 'high',
    scheduled_time: '2025-11-24T10:30:00Z',
    parameters: { scan_depth: 'comprehensive', include_plugins: true, check_tls: true },
    results: { findings_count: 5, critical_issues: 2, scan_duration: 30000 },
    ...overrides,
  };
}

function eventOf(outcome: Outcome | undefined): SecurityEvent {
  if (outcome?.kind !== 'done' || outcome.outputs?.length !== 1) throw new Error(`expected one output, got ${JSON.stringify(outcome)}`);
  const [output] = outcome.outputs;
  expect(output!.stream).toBe(`${NS}security.events`);
  expect(output!.fields[0]).toBe('data');
  return SecurityEvent.parse(JSON.parse(String(output!.fields[1])));
}

describe('scan handler (security.scans → security.events)', () => {
  const handler = new ScanHandler(NS);

  it('turns a completed scan with findings into one seed 000 event naming the counts', async () => {
    const [outcome] = await handler.handle([streamMessage(scan(), ENTRY_ID)]);
    const event = eventOf(outcome);
    expect(event).toMatchObject({
      id: findingsEventId('0b6f3c1e-8a7d-4c52-9e1f-2d3a4b5c6d7e'),
      timestamp: new Date(1764000000000).toISOString(),
      organization_id: '7c1d4f2e-0b7a-4c43-9f3e-4d1f0e2a6b10',
      asset_id: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
      event_type: 'kong_configuration_audit_findings',
      severity: 'critical',
      source: 'kong_monitor',
      correlation_id: '0b6f3c1e-8a7d-4c52-9e1f-2d3a4b5c6d7e',
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.title).toContain('5 findings');
    expect(event.title).toContain('2 critical');
    expect(event.description).toContain('2 critical issues');
    expect(event.metadata).toMatchObject({ scan_id: '0b6f3c1e-8a7d-4c52-9e1f-2d3a4b5c6d7e', results: { findings_count: 5, critical_issues: 2, scan_duration: 30000 } });
    expect(event.tags).toEqual(['kong', 'scan', 'kong_configuration_audit', 'critical']);
  });

  it('is deterministic: a redelivery yields the same bytes; another scan another id', async () => {
    const [first] = await handler.handle([streamMessage(scan(), ENTRY_ID)]);
    const [again] = await handler.handle([streamMessage(scan(), ENTRY_ID, 2)]);
    expect(again).toEqual(first);
    const other = eventOf((await handler.handle([streamMessage(scan({ scan_id: 'another-scan' }), ENTRY_ID)]))[0]);
    expect(other.id).not.toBe(eventOf(first).id);
  });

  it('severity: critical with any critical issue, high from 5 findings, medium below', () => {
    expect(HIGH_FINDINGS_THRESHOLD).toBe(5);
    const cases: [number, number, string][] = [
      [1, 1, 'critical'],
      [40, 1, 'critical'],
      [5, 0, 'high'],
      [12, 0, 'high'],
      [4, 0, 'medium'],
      [1, 0, 'medium'],
    ];
    for (const [findings, critical, expected] of cases) {
      expect(findingsSeverity({ findings_count: findings, critical_issues: critical, scan_duration: 1 }), `${findings}/${critical}`).toBe(expected);
    }
  });

  it('source comes from the scan type’s platform; an unknown platform is the scan processor', async () => {
    const sources = await handler.handle([
      streamMessage(scan({ scan_type: 'github_secret_scan' })),
      streamMessage(scan({ scan_type: 'aws_config_audit' })),
      streamMessage(scan({ scan_type: 'k8s_rbac_audit' })),
      streamMessage(scan({ scan_type: 'nessus_full_sweep' })),
    ]);
    expect(sources.map((o) => eventOf(o).source)).toEqual(['github_scanner', 'aws_config_monitor', 'k8s_monitor', 'scan_processor']);
  });

  it('other statuses, no findings or no results: done, nothing written', async () => {
    const outcomes = await handler.handle([
      streamMessage(scan({ status: 'queued', results: undefined })),
      streamMessage(scan({ status: 'running', results: undefined })),
      streamMessage(scan({ status: 'failed' })),
      streamMessage(scan({ results: { findings_count: 0, critical_issues: 0, scan_duration: 10 } })),
      streamMessage(scan({ results: undefined })),
    ]);
    expect(outcomes).toEqual(Array(5).fill({ kind: 'done' }));
  });

  it('invalid messages are dead-lettered with a reason naming the field', async () => {
    const { scan_id: _dropped, ...withoutId } = scan();
    const outcomes = await handler.handle([
      streamMessage(null),
      streamMessage(Buffer.from('{"scan_id": "x", ')),
      streamMessage(withoutId),
      streamMessage({ ...scan(), results: { findings_count: 'five', critical_issues: 0, scan_duration: 1 } }),
      streamMessage(scan({ status: 'done' as SecurityScan['status'] })),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
    const reasons = outcomes.map((o) => (o.kind === 'invalid' ? o.reason : ''));
    expect(reasons[0]).toMatch(/no data field/);
    expect(reasons[1]).toMatch(/not JSON/);
    expect(reasons[2]).toMatch(/scan_id/);
    expect(reasons[3]).toMatch(/results\.findings_count/);
    expect(reasons[4]).toMatch(/status/);
  });

  it('keeps one outcome per message, in order, in a mixed batch', async () => {
    const outcomes = await handler.handle([streamMessage(scan({ status: 'queued', results: undefined })), streamMessage(Buffer.from('nope')), streamMessage(scan())]);
    expect(outcomes.map((o) => o.kind)).toEqual(['done', 'invalid', 'done']);
    expect(eventOf(outcomes[2]).severity).toBe('critical');
  });

  it('dedup id is scan_id:status, null when it cannot be read', () => {
    expect(handler.dedupId(streamMessage(scan()))).toBe('0b6f3c1e-8a7d-4c52-9e1f-2d3a4b5c6d7e:completed');
    expect(handler.dedupId(streamMessage(scan({ status: 'running' })))).toBe('0b6f3c1e-8a7d-4c52-9e1f-2d3a4b5c6d7e:running');
    expect(handler.dedupId(streamMessage(Buffer.from('not json')))).toBeNull();
    expect(handler.dedupId(streamMessage(null))).toBeNull();
    expect(handler.dedupId(streamMessage({ scan_id: 7, status: 'completed' }))).toBeNull();
  });

  it('is pure, retries like the event processors, dead-letters to the namespaced scans DLQ', () => {
    const message = streamMessage(scan());
    expect(handler.mode).toBe('pure');
    expect(handler.retryPolicy(message)).toBe(SEED_RETRY_POLICIES.events);
    expect(handler.deadLetterStream(message)).toBe(`${NS}security.scans.dlq`);
  });

  it('every demo scan is handled: one valid event exactly for each completed scan with findings', async () => {
    const random = createRandom(7);
    const scans = Array.from({ length: 300 }, () => securityScan(random, Date.parse('2026-01-01T00:00:00Z')));
    const outcomes = await handler.handle(scans.map((s, i) => streamMessage(s, `1767225600000-${i}`)));
    const withFindings = scans.filter((s) => s.status === 'completed' && (s.results as { findings_count: number }).findings_count > 0);
    expect(withFindings.length).toBeGreaterThan(50);
    const events = outcomes.filter((o) => o.kind === 'done' && o.outputs).map(eventOf);
    expect(outcomes.every((o) => o.kind === 'done')).toBe(true);
    expect(events.map((e) => e.correlation_id)).toEqual(withFindings.map((s) => s.scan_id));
  });
});
