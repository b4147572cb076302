import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../shared/model/alerts';
import { sortAlerts } from '../../shared/model/alerts';
import { describeGroupKey, groupAlerts } from '../../shared/model/alert-groups';

const NOW = 1_700_000_000_000;
const alert = (id: string, patch: Partial<AlertSummary> = {}): AlertSummary => ({
  id,
  envId: 'e1',
  severity: 'high',
  title: 'Brute force',
  message: '',
  status: 'open',
  level: 1,
  createdAt: NOW - 60_000,
  version: 1,
  updatedBy: 'engine',
  updatedAt: NOW,
  noteCount: 0,
  ruleId: 'R-7',
  assetId: 'system-46',
  ...patch,
});

describe('groupAlerts: a flood as incidents', () => {
  it('groups by rule + asset + type within an environment, with counts, worst severity and first/last seen', () => {
    const flood = Array.from({ length: 8000 }, (_, i) => alert(`f${i}`, { createdAt: NOW - i * 1000, status: i % 4 === 0 ? 'acknowledged' : 'open', severity: i === 7999 ? 'critical' : 'high' }));
    const others = [alert('o1', { assetId: 'system-4' }), alert('o2', { title: 'Port scan' }), alert('o3', { envId: 'e2' }), alert('o4', { ruleId: undefined })];
    const groups = groupAlerts(sortAlerts([...flood, ...others]));
    expect(groups.map((g) => g.alerts.length).sort((a, b) => b - a)).toEqual([8000, 1, 1, 1, 1]);
    const big = groups.find((g) => g.alerts.length === 8000)!;
    expect(big).toMatchObject({ envId: 'e1', values: { rule: 'R-7', asset: 'system-46', title: 'Brute force' }, open: 6000, acknowledged: 2000, resolved: 0, severity: 'critical', firstSeen: NOW - 7999 * 1000, lastSeen: NOW });
    // The most urgent incident first: it holds the one critical alert.
    expect(groups[0]).toBe(big);
    // system-46 and system-4 are two assets; e2's same rule/asset/type is its own incident; a missing rule is a value of its own.
    expect(groups.find((g) => g.alerts[0]!.id === 'o4')!.values).toEqual({ asset: 'system-46', title: 'Brute force' });
    expect(describeGroupKey(groups.find((g) => g.alerts[0]!.id === 'o4')!.values, ['rule', 'asset', 'title'])).toBe('rule — · asset system-46 · type Brute force');
  });

  it('groups by the fields asked for, and keys that look alike stay apart', () => {
    const alerts = [alert('a', { ruleId: 'x|y', assetId: 'z' }), alert('b', { ruleId: 'x', assetId: 'y|z' }), alert('c', { ruleId: 'x', assetId: 'other' })];
    expect(groupAlerts(alerts, ['rule', 'asset'])).toHaveLength(3);
    expect(groupAlerts(alerts, ['rule']).map((g) => g.alerts.map((a) => a.id))).toEqual([['a'], ['b', 'c']]);
    expect(groupAlerts(alerts, ['title'])).toHaveLength(1);
  });
});
