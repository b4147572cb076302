import { describe, expect, it } from 'vitest';
import { searchMethods } from '../../shared/contract/method-groups/searches';
import { DEFAULT_ALERT_FILTER } from '../../shared/model/alert-filter';
import { SavedSearch, SavedSearchName, SavedSearchQuery, describeSavedQuery, findSavedSearch, missingSavedSearchText, savedSearchKey, savedSearchKeys } from '../../shared/model/saved-searches';
import { policyOf } from '../../shared/contract/methods';

const base = { createdBy: 'Ana (ana)', createdAt: 1, updatedBy: 'Ana (ana)', updatedAt: 1 };

describe('saved searches: the model', () => {
  it('names are trimmed, required, at most 80 characters and single-line', () => {
    expect(SavedSearchName.parse('  Kong timeouts ')).toBe('Kong timeouts');
    const empty = SavedSearchName.safeParse('   ');
    expect(!empty.success && empty.error.issues[0]!.message).toBe('a saved search needs a name');
    const long = SavedSearchName.safeParse('x'.repeat(81));
    expect(!long.success && long.error.issues[0]!.message).toContain('at most 80 characters');
    expect(SavedSearchName.safeParse('two\nlines').success).toBe(false);
    expect(SavedSearchName.safeParse('x'.repeat(80)).success).toBe(true);
  });

  it('a DLQ search holds the existing DLQ match (field, text, error, origin, time range) and needs at least one condition', () => {
    const match = { field: { path: 'event.severity', value: 'critical' }, text: 'kong', error: 'timeout', origin: 'security.events', from: 1000, to: 2000 };
    expect(SavedSearchQuery.parse({ kind: 'dlq', source: 'security.events.dlq', match })).toEqual({ kind: 'dlq', source: 'security.events.dlq', match });
    expect(SavedSearchQuery.safeParse({ kind: 'dlq', match: {} }).success).toBe(false);
    expect(SavedSearchQuery.safeParse({ kind: 'dlq', match: { colour: 'red' } }).success).toBe(false);
  });

  it('an alert search holds the Alerts screen filter, whole', () => {
    const filter = { ...DEFAULT_ALERT_FILTER, severities: ['critical'], asset: 'db-7', level: 2 as const };
    expect(SavedSearchQuery.parse({ kind: 'alerts', filter })).toEqual({ kind: 'alerts', filter });
    expect(SavedSearchQuery.safeParse({ kind: 'alerts', filter: { ...filter, status: 'snoozed' } }).success).toBe(false);
    expect(SavedSearchQuery.safeParse({ kind: 'alerts', filter: { severities: [] } }).success).toBe(false);
  });

  it('records round-trip; names are looked up without regard to case', () => {
    const record = SavedSearch.parse({ name: 'Kong', query: { kind: 'dlq', match: { text: 'kong' } }, ...base });
    expect(savedSearchKey(' KONG ')).toBe('kong');
    expect(findSavedSearch([record], 'kong')).toBe(record);
    expect(findSavedSearch([record], 'kon')).toBeUndefined();
  });

  it('a missing name is answered with the names there are (of the kind asked for)', () => {
    const searches = [
      { name: 'Kong', query: { kind: 'dlq' as const } },
      { name: 'Criticals', query: { kind: 'alerts' as const } },
    ];
    expect(missingSavedSearchText('kongg', 'prod', searches, 'dlq')).toBe('no saved DLQ search "kongg" in prod; saved: "Kong"');
    expect(missingSavedSearchText('x', 'prod', searches)).toBe('no saved search "x" in prod; saved: "Kong", "Criticals"');
    expect(missingSavedSearchText('x', 'prod', [], 'alerts')).toBe('no saved alert search "x" in prod; none is saved there yet');
  });

  it('describes a query in words and keys it beside the alert keys', () => {
    expect(describeSavedQuery({ kind: 'dlq', source: 'd', match: { field: { path: 'a.b', value: '1' }, error: 'boom', from: Date.parse('2026-06-01T00:00:00Z') } })).toBe('d: a.b=1 · error "boom" · from 2026-06-01T00:00:00Z');
    expect(describeSavedQuery({ kind: 'alerts', filter: { ...DEFAULT_ALERT_FILTER, severities: ['critical', 'high'], text: 'kong' } })).toBe('status unresolved · severity critical|high · text "kong"');
    expect(savedSearchKeys('t1:')).toEqual({ searches: 't1:watchfloor:searches', runs: 't1:watchfloor:searches:runs' });
  });

  it('saving and deleting need an operator; listing and recording a run do not', () => {
    expect(policyOf('searches.save').access).toBe('operator');
    expect(policyOf('searches.delete').access).toBe('operator');
    expect(policyOf('searches.list').access).toBe('read');
    expect(policyOf('searches.recordRun').access).toBe('read');
    expect(searchMethods['searches.save'].params.safeParse({ envId: 'e', name: '', query: { kind: 'dlq', match: { text: 'x' } } }).success).toBe(false);
  });
});
