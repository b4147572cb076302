import { createHash } from 'node:crypto';
import type { SecurityEvent, SecurityScan, Severity } from '../../../../shared/schemas/security-streams';

/**
 * How a completed scan with findings becomes one seed 000 `security.events` message (the seed's
 * "Scan Processor → security.events" arrow). Pure: the same scan and entry always give the same
 * event, so a redelivery produces a byte-identical duplicate that the engine's dedup drops.
 */

type ScanResults = NonNullable<SecurityScan['results']>;

/** Seed 000's producers by platform (the first word of a `scan_type`, e.g. `kong_configuration_audit`). */
export const PLATFORM_SOURCES: Readonly<Record<string, string>> = {
  kong: 'kong_monitor',
  github: 'github_scanner',
  aws: 'aws_config_monitor',
  netlify: 'netlify_monitor',
  vercel: 'vercel_monitor',
  fly: 'fly_monitor',
  k8s: 'k8s_monitor',
};

/** The source of an event whose scan type names no known platform: the seed's own name for this consumer. */
export const FALLBACK_SOURCE = 'scan_processor';

/**
 * Findings at or above this count, none critical, are `high`; fewer are `medium`. A handful of
 * non-critical findings is routine hygiene; five (the seed example's count) or more suggests a
 * systematic misconfiguration worth a faster look.
 */
export const HIGH_FINDINGS_THRESHOLD = 5;

/** `critical` when any issue is critical, else `high` from {@link HIGH_FINDINGS_THRESHOLD} findings, else `medium`. */
export function findingsSeverity(results: ScanResults): Severity {
  if (results.critical_issues > 0) return 'critical';
  return results.findings_count >= HIGH_FINDINGS_THRESHOLD ? 'high' : 'medium';
}

/** True for the scans that raise an event: completed, with at least one finding. */
export function hasFindings(scan: SecurityScan): scan is SecurityScan & { results: ScanResults } {
  return scan.status === 'completed' && scan.results !== undefined && scan.results.findings_count > 0;
}

/** `kong` for `kong_configuration_audit`. */
export function scanPlatform(scanType: string): string {
  return scanType.split('_')[0] ?? scanType;
}

/**
 * The event's id: a name-based UUID (SHA-1, version 5 layout) of the scan id, so every worker and
 * every redelivery of the same scan yields the same id, and the id still looks like the seed's.
 */
export function findingsEventId(scanId: string): string {
  const hash = createHash('sha1').update(`watchfloor:scan-findings:${scanId}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The milliseconds of a stream entry id (`1700000000000-0`), or null for an id that is not one. */
export function entryTimeMs(entryId: string): number | null {
  const match = /^(\d+)-\d+$/.exec(entryId);
  return match ? Number(match[1]) : null;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * The seed 000 event for a scan with findings. `timestamp` is when the completed scan was added to
 * `security.scans` (its entry id), not processing time, so it is deterministic; the scan's
 * `scheduled_time` is the fallback for an entry id that carries no time.
 */
export function findingsEvent(scan: SecurityScan & { results: ScanResults }, entryId: string): SecurityEvent {
  const { results } = scan;
  const platform = scanPlatform(scan.scan_type);
  const severity = findingsSeverity(results);
  const entryMs = entryTimeMs(entryId);
  const readableType = scan.scan_type.replace(/_/g, ' ');
  return {
    id: findingsEventId(scan.scan_id),
    timestamp: entryMs === null ? scan.scheduled_time : new Date(entryMs).toISOString(),
    organization_id: scan.organization_id,
    asset_id: scan.asset_id,
    event_type: `${scan.scan_type}_findings`,
    severity,
    source: PLATFORM_SOURCES[platform] ?? FALLBACK_SOURCE,
    title: `${readableType}: ${plural(results.findings_count, 'finding')}, ${results.critical_issues} critical`,
    description: `Scan ${scan.scan_id} (${readableType}, ${scan.priority} priority) completed with ${plural(results.findings_count, 'finding')}, ${plural(results.critical_issues, 'critical issue')}.`,
    metadata: { scan_id: scan.scan_id, scan_type: scan.scan_type, priority: scan.priority, scheduled_time: scan.scheduled_time, results: { ...results } },
    tags: [platform, 'scan', scan.scan_type, severity],
    // The scan id itself: it ties the event (and any alert raised from it) back to its scan.
    correlation_id: scan.scan_id,
    raw_data: { ...scan },
  };
}
