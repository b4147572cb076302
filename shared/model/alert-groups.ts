import { SEVERITY_RANK, type AlertSummary } from './alerts';

/**
 * Incidents: alerts grouped by a key (by default rule + asset + type), so a flood of 8,000 alerts
 * from one rule on one asset is one row with a count, first and last seen, and one
 * acknowledge/resolve for all of them. Pure: the console and the CLI group the same way.
 */
export const GROUP_FIELDS = ['rule', 'asset', 'title', 'source', 'organization'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];

/** What a group key reads as: "rule", "asset", "type" (the alert's title is its type in seed 000). */
export const GROUP_FIELD_LABELS: Record<GroupField, string> = { rule: 'rule', asset: 'asset', title: 'type', source: 'source', organization: 'organisation' };

export const DEFAULT_GROUP_FIELDS: readonly GroupField[] = ['rule', 'asset', 'title'];

type Groupable = Pick<AlertSummary, 'envId' | 'id' | 'status' | 'severity' | 'createdAt' | 'title' | 'ruleId' | 'assetId' | 'source' | 'organizationId'>;

function fieldOf(a: Groupable, field: GroupField): string | undefined {
  switch (field) {
    case 'rule':
      return a.ruleId;
    case 'asset':
      return a.assetId;
    case 'title':
      return a.title;
    case 'source':
      return a.source;
    case 'organization':
      return a.organizationId;
  }
}

export interface AlertGroup<T extends Groupable = AlertSummary> {
  /** Unique in the list: the environment and the key's values. */
  key: string;
  envId: string;
  /** The key's values; absent where the alerts have none (shown as "—"). */
  values: Partial<Record<GroupField, string>>;
  /** Its alerts, in the order they came (most urgent first when the input is sorted). */
  alerts: T[];
  open: number;
  acknowledged: number;
  resolved: number;
  /** The most severe of its alerts. */
  severity: T['severity'];
  firstSeen: number;
  lastSeen: number;
}

/**
 * Groups `alerts` by `fields` within each environment (two environments' alerts never merge).
 * The groups keep the order of their first member, so a sorted input gives the most urgent
 * incident first.
 */
export function groupAlerts<T extends Groupable>(alerts: readonly T[], fields: readonly GroupField[] = DEFAULT_GROUP_FIELDS): AlertGroup<T>[] {
  const groups = new Map<string, AlertGroup<T>>();
  for (const a of alerts) {
    const values: Partial<Record<GroupField, string>> = {};
    for (const field of fields) {
      const value = fieldOf(a, field);
      if (value !== undefined && value !== '') values[field] = value;
    }
    // JSON keeps "a|b" + "c" apart from "a" + "b|c".
    const key = JSON.stringify([a.envId, ...fields.map((f) => values[f] ?? null)]);
    let group = groups.get(key);
    if (!group) {
      group = { key, envId: a.envId, values, alerts: [], open: 0, acknowledged: 0, resolved: 0, severity: a.severity, firstSeen: a.createdAt, lastSeen: a.createdAt };
      groups.set(key, group);
    }
    group.alerts.push(a);
    if (a.status === 'open') group.open++;
    else if (a.status === 'acknowledged') group.acknowledged++;
    else group.resolved++;
    if ((SEVERITY_RANK[a.severity] ?? 9) < (SEVERITY_RANK[group.severity] ?? 9)) group.severity = a.severity;
    if (a.createdAt < group.firstSeen) group.firstSeen = a.createdAt;
    if (a.createdAt > group.lastSeen) group.lastSeen = a.createdAt;
  }
  return [...groups.values()];
}

/** "rule R-7 · asset system-46 · type Brute force", the key as an analyst reads it. */
export function describeGroupKey(values: Partial<Record<GroupField, string>>, fields: readonly GroupField[]): string {
  return fields.map((f) => `${GROUP_FIELD_LABELS[f]} ${values[f] ?? '—'}`).join(' · ');
}
