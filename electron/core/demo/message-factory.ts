import { randomUUID } from 'node:crypto';
import { deterministicUuid } from '../workers/deterministic-id';
import { alertFromEvent } from '../alerts/console-alert';
import type { SecurityEvent } from '../../../shared/schemas/security-streams';

/** A deterministic pseudo-random source (mulberry32), so demo traffic is reproducible in tests. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Seed 000's producers and the event types each emits. */
export const MONITORS = [
  { source: 'kong_monitor', platform: 'kong', types: ['kong_http_admin_detected', 'kong_plugin_config_change', 'kong_route_exposure'] },
  { source: 'github_scanner', platform: 'github', types: ['github_secret_exposure', 'github_branch_protection_disabled', 'github_repo_config_change'] },
  { source: 'aws_config_monitor', platform: 'aws', types: ['aws_s3_public_exposure', 'aws_iam_policy_config_change', 'aws_root_login_breach'] },
  { source: 'netlify_monitor', platform: 'netlify', types: ['netlify_env_exposure', 'netlify_deploy_config_change'] },
  { source: 'vercel_monitor', platform: 'vercel', types: ['vercel_preview_exposure', 'vercel_project_config_change'] },
  { source: 'fly_monitor', platform: 'fly', types: ['fly_machine_public_port', 'fly_secret_config_change'] },
  { source: 'k8s_monitor', platform: 'k8s', types: ['k8s_privileged_pod', 'k8s_rbac_config_change', 'k8s_container_breach'] },
] as const;

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
const SEVERITY_WEIGHTS = [0.05, 0.15, 0.3, 0.3, 0.2];
const ORGS = ['7c1d4f2e-0b7a-4c43-9f3e-4d1f0e2a6b10', 'a2f9c3d8-5e61-4b0f-8c7a-2b9e4d6f1a30'];

function weightedSeverity(random: Random): (typeof SEVERITIES)[number] {
  let roll = random();
  for (let i = 0; i < SEVERITIES.length; i++) {
    roll -= SEVERITY_WEIGHTS[i]!;
    if (roll <= 0) return SEVERITIES[i]!;
  }
  return 'info';
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A valid seed 000 `security.events` message from one of the monitors. */
export function securityEvent(random: Random, now: number): Record<string, unknown> {
  const monitor = pick(random, MONITORS);
  const eventType = pick(random, monitor.types);
  const severity = weightedSeverity(random);
  return {
    id: randomUUID(),
    timestamp: iso(now),
    organization_id: pick(random, ORGS),
    asset_id: randomUUID(),
    event_type: eventType,
    severity,
    source: monitor.source,
    title: `${monitor.platform}: ${eventType.replace(/_/g, ' ')}`,
    description: `Simulated ${severity} finding from ${monitor.source}`,
    metadata: { platform: monitor.platform, simulated: true },
    tags: [monitor.platform, severity],
    correlation_id: randomUUID(),
    raw_data: {},
  };
}

/** A valid seed 000 `security.alerts` message raised from a demo event, as the pipeline's event processor raises it. */
export function alertForEvent(event: Record<string, unknown>, now: number): Record<string, unknown> {
  return alertFromEvent(event as unknown as SecurityEvent, randomUUID(), now) as unknown as Record<string, unknown>;
}

/** A valid seed 000 `security.metrics` message. */
export function securityMetric(random: Random, now: number): Record<string, unknown> {
  const monitor = pick(random, MONITORS);
  return {
    timestamp: iso(now),
    organization_id: pick(random, ORGS),
    // A few assets per platform, so the metrics processor's windows aggregate many samples each.
    asset_id: deterministicUuid(`demo-asset:${monitor.platform}:${Math.floor(random() * 2)}`),
    metric_type: 'performance',
    metrics: {
      response_time_ms: Math.round(50 + random() * 400),
      error_rate: Math.round(random() * 800) / 10000,
      active_connections: Math.round(random() * 200),
      security_score: Math.round(600 + random() * 400) / 10,
    },
    tags: { environment: 'demo', platform: monitor.platform, region: pick(random, ['us-east-1', 'eu-west-1']) },
  };
}

/** A valid seed 000 `security.scans` message. */
export function securityScan(random: Random, now: number): Record<string, unknown> {
  const status = pick(random, ['queued', 'running', 'completed', 'completed'] as const);
  const findings = Math.floor(random() * 8);
  return {
    scan_id: randomUUID(),
    scan_type: pick(random, ['kong_configuration_audit', 'k8s_rbac_audit', 'github_secret_scan', 'aws_config_audit']),
    status,
    organization_id: pick(random, ORGS),
    asset_id: randomUUID(),
    priority: pick(random, ['high', 'medium', 'low'] as const),
    scheduled_time: iso(now),
    parameters: { scan_depth: 'comprehensive', include_plugins: true, check_tls: true },
    ...(status === 'completed' ? { results: { findings_count: findings, critical_issues: Math.floor(findings / 3), scan_duration: Math.round(random() * 60000) } } : {}),
  };
}

/** Seed 002 scanner: a `discovery_queue` message. */
export function discoveryMessage(random: Random, now: number): Record<string, unknown> {
  const host = Math.floor(random() * 250) + 2;
  const mac = Array.from({ length: 6 }, () => Math.floor(random() * 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
  return {
    scan_id: Math.floor(random() * 10000),
    dept_id: 1 + Math.floor(random() * 5),
    ip_address: `10.30.5.${host}`,
    hostname: `lab-pc-${String(host).padStart(2, '0')}`,
    mac_address: mac,
    discovered_at: iso(now),
    scan_type: 'ping',
  };
}

/** Seed 002 collector: a `metrics_queue` message; sometimes over the CPU threshold. */
export function collectedMetrics(random: Random, now: number): Record<string, unknown> {
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    system_id: 1 + Math.floor(random() * 60),
    collected_at: iso(now),
    metrics: {
      cpu_percent: round(random() < 0.1 ? 90 + random() * 10 : random() * 85),
      ram_percent: round(random() * 95),
      disk_percent: round(random() * 90),
      network_sent_mbps: round(random() * 50),
      network_recv_mbps: round(random() * 50),
      gpu_percent: round(random() * 100),
      uptime_seconds: Math.floor(random() * 1_000_000),
      logged_in_users: Math.floor(random() * 5),
    },
  };
}

/** Seed 002 database trigger: an `alert_queue` message, published with routing key `alerts.{severity}`. */
export function systemAlert(random: Random, now: number): { routingKey: string; message: Record<string, unknown> } {
  const severity = pick(random, ['warning', 'warning', 'critical'] as const);
  const value = Math.round((90 + random() * 10) * 10) / 10;
  return {
    routingKey: `alerts.${severity}`,
    message: { system_id: 1 + Math.floor(random() * 60), alert_type: 'cpu_high', severity, value, threshold: 90.0, timestamp: iso(now) },
  };
}

/** A message the pipeline must reject: broken JSON, a missing field or a wrong type. */
export function malformed(random: Random, valid: Record<string, unknown>): Buffer {
  const kind = Math.floor(random() * 3);
  if (kind === 0) return Buffer.from(JSON.stringify(valid).slice(0, -7));
  const copy: Record<string, unknown> = { ...valid };
  const keys = Object.keys(copy);
  const key = keys[Math.floor(random() * keys.length)]!;
  if (kind === 1) delete copy[key];
  else copy[key] = 12345;
  return Buffer.from(JSON.stringify(copy));
}
