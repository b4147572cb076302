import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SavedSearchStore } from '../../electron/core/searches/saved-search-store';
import { CodedError } from '../../shared/contract/errors';
import { DEFAULT_ALERT_FILTER } from '../../shared/model/alert-filter';
import { REDIS_URL, deleteKeys, uniqueNamespace } from '../helpers/brokers';
import { createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const T0 = Date.parse('2026-06-01T10:00:00Z');
const dlq = (text: string) => ({ kind: 'dlq' as const, source: 'security.events.dlq', match: { text } });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof CodedError ? `${error.code}: ${error.message}` : String(error);
  }
}

describe('saved searches: the store on real Redis', () => {
  const redis = new Redis(REDIS_URL);
  const namespaces: string[] = [];
  const store = () => {
    const ns = uniqueNamespace('saved');
    namespaces.push(ns);
    return new SavedSearchStore(redis, ns);
  };
  afterAll(async () => {
    try {
      for (const ns of namespaces) await deleteKeys(redis, ns);
    } finally {
      redis.disconnect();
    }
  });

  it('saves under a name (any case is the same name), refuses a taken one unless overwritten, and audits each change on the team stream', async () => {
    const s = store();
    const saved = await s.save({ name: ' Kong timeouts ', query: dlq('kong') }, 'Ana (ana)', T0);
    expect(saved).toMatchObject({ name: 'Kong timeouts', createdBy: 'Ana (ana)', createdAt: T0, updatedAt: T0 });
    expect(await codeOf(s.save({ name: 'kong TIMEOUTS', query: dlq('other') }, 'Bo (bo)', T0 + 1))).toMatch(/^CONFLICT: a saved search named "Kong timeouts" already exists .*saved by Ana \(ana\).*overwrite it/);
    expect(await codeOf(s.save({ name: '', query: dlq('x') }, 'Bo', T0))).toBe('VALIDATION: a saved search needs a name');
    expect(await codeOf(s.save({ name: 'x'.repeat(81), query: dlq('x') }, 'Bo', T0))).toMatch(/^VALIDATION: .*at most 80/);
    expect(await codeOf(s.save({ name: 'empty', query: { kind: 'dlq', match: {} } }, 'Bo', T0))).toMatch(/^VALIDATION: invalid saved search: query.match: a saved DLQ search needs/);

    const over = await s.save({ name: 'kong timeouts', query: dlq('kong admin'), overwrite: true }, 'Bo (bo)', T0 + 5);
    expect(over).toMatchObject({ name: 'kong timeouts', createdBy: 'Ana (ana)', createdAt: T0, updatedBy: 'Bo (bo)', updatedAt: T0 + 5, query: dlq('kong admin') });
    expect((await s.list()).map((x) => x.name)).toEqual(['kong timeouts']);

    await s.delete('KONG timeouts', 'Bo (bo)', T0 + 9);
    expect(await s.list()).toEqual([]);
    expect(await codeOf(s.delete('kong timeouts', 'Bo', T0 + 10))).toBe('NOT_FOUND: no saved search "kong timeouts" in this environment');

    const audit = (await redis.xrange(s.keys.searches.replace(/searches$/, 'audit'), '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { what: string; who: string; before: unknown; after: unknown; target: string });
    expect(audit.map((e) => [e.what, e.who, e.target])).toEqual([
      ['search.save', 'Ana (ana)', 'saved search Kong timeouts'],
      ['search.save', 'Bo (bo)', 'saved search kong timeouts'],
      ['search.delete', 'Bo (bo)', 'saved search kong timeouts'],
    ]);
    expect(audit[1]!.before).toMatchObject({ name: 'Kong timeouts', query: dlq('kong') });
    expect(audit[1]!.after).toMatchObject({ query: dlq('kong admin'), text: 'security.events.dlq: text "kong admin"' });
    expect(audit[2]!.after).toBeNull();
  });

  it('records the last run for the version that ran, never over a later run, and forgets it when the search is saved again', async () => {
    const s = store();
    const v1 = await s.save({ name: 'Criticals', query: { kind: 'alerts', filter: { ...DEFAULT_ALERT_FILTER, severities: ['critical'] } } }, 'Ana', T0);
    expect((await s.recordRun('criticals', v1.updatedAt, { count: 12, at: T0 + 100, by: 'Viewer (v)', isComplete: true })).recorded).toBe(true);
    // A slower run that started earlier answers later: it does not hide the newer count.
    expect((await s.recordRun('Criticals', v1.updatedAt, { count: 3, at: T0 + 50, by: 'Bo', isComplete: true })).recorded).toBe(false);
    expect((await s.get('CRITICALS'))?.lastRun).toEqual({ count: 12, at: T0 + 100, by: 'Viewer (v)', isComplete: true });

    const v2 = await s.save({ name: 'Criticals', query: { kind: 'alerts', filter: { ...DEFAULT_ALERT_FILTER, severities: ['critical', 'high'] } }, overwrite: true }, 'Ana', T0 + 200);
    expect((await s.get('Criticals'))?.lastRun).toBeNull();
    // A run of the old version (started before the overwrite) is not counted for the new query.
    expect((await s.recordRun('Criticals', v1.updatedAt, { count: 12, at: T0 + 300, by: 'Bo', isComplete: true })).recorded).toBe(false);
    expect((await s.recordRun('Criticals', v2.updatedAt, { count: 40, at: T0 + 300, by: 'Bo', isComplete: false })).lastRun).toMatchObject({ count: 40, isComplete: false });
    expect(await codeOf(s.recordRun('gone', 1, { count: 1, at: T0, by: 'x', isComplete: true }))).toMatch(/^NOT_FOUND/);
    // A run is not a change: nothing on the audit stream beyond the two saves.
    expect(await redis.xlen(s.keys.searches.replace(/searches$/, 'audit'))).toBe(2);
  });

  it('two consoles saving the same new name at once: one wins, the other is told the name is taken', async () => {
    const s = store();
    const other = new SavedSearchStore(redis, s.keys.searches.replace(/watchfloor:searches$/, ''));
    const results = await Promise.all([codeOf(s.save({ name: 'Race', query: dlq('a') }, 'A', T0)), codeOf(other.save({ name: 'race', query: dlq('b') }, 'B', T0))]);
    expect(results.filter((r) => r === 'resolved')).toHaveLength(1);
    expect(results.filter((r) => r.startsWith('CONFLICT: a saved search named'))).toHaveLength(1);
    expect(await s.list()).toHaveLength(1);
  });
});

describe('saved searches: contract methods, two consoles, roles', { timeout: 120_000 }, () => {
  const ns = uniqueNamespace('saved-core');
  const redis = new Redis(REDIS_URL);
  let a: TestCore | null = null;
  let b: TestCore | null = null;
  let viewerId = '';
  let readOnlyId = '';

  beforeAll(async () => {
    a = await createTestCore(ns, { amqp: null, managementUrl: null });
    b = await createTestCore(ns, { amqp: null, managementUrl: null });
    const viewer = await a.core.call('environments.add', { name: `viewer ${ns}`, namespace: ns, redis: { url: REDIS_URL }, role: 'viewer' });
    const readOnly = await a.core.call('environments.add', { name: `read-only ${ns}`, namespace: ns, redis: { url: REDIS_URL }, readOnly: true });
    if (!viewer.ok || !readOnly.ok) throw new Error('could not add the environments');
    viewerId = viewer.value.id;
    readOnlyId = readOnly.value.id;
    await a.core.startRuntimes([a.envId, viewerId, readOnlyId]);
    await waitFor(() => [a!.envId, viewerId, readOnlyId].every((id) => a!.core.runtime(id).redis?.isReady) && b!.core.runtime(b!.envId).redis?.isReady, 'connected');
  });
  afterAll(async () => {
    try {
      await a?.close();
      await b?.close();
    } finally {
      await deleteKeys(redis, ns);
      redis.disconnect();
    }
  });

  it('a search saved on one console is listed on another; viewers and read-only environments list and run but cannot save or delete', async () => {
    const query = { kind: 'dlq' as const, source: `${ns}security.events.dlq`, match: { field: { path: 'event.severity', value: 'critical' }, error: 'timeout' } };
    const saved = await a!.core.call('searches.save', { envId: a!.envId, name: 'Critical timeouts', query });
    if (!saved.ok) throw new Error(saved.error.message);

    const seen = await b!.core.call('searches.list', { envId: b!.envId, kind: 'dlq' });
    expect(seen.ok && seen.value.searches).toEqual([expect.objectContaining({ name: 'Critical timeouts', query, lastRun: null })]);
    const none = await b!.core.call('searches.list', { envId: b!.envId, kind: 'alerts' });
    expect(none.ok && none.value.searches).toEqual([]);

    const refused = await a!.core.call('searches.save', { envId: viewerId, name: 'Mine', query });
    expect(!refused.ok && refused.error.code).toBe('UNAUTHORIZED');
    const refusedDelete = await a!.core.call('searches.delete', { envId: viewerId, name: 'Critical timeouts' });
    expect(!refusedDelete.ok && refusedDelete.error.code).toBe('UNAUTHORIZED');
    const readOnly = await a!.core.call('searches.save', { envId: readOnlyId, name: 'Mine', query });
    expect(!readOnly.ok && readOnly.error.code).toBe('READ_ONLY');

    // The viewer runs it: the count is recorded under the viewer's name, for every console.
    const ran = await a!.core.call('searches.recordRun', { envId: viewerId, name: 'critical TIMEOUTS', updatedAt: saved.value.updatedAt, count: 7, isComplete: true });
    expect(ran.ok && ran.value.recorded).toBe(true);
    const after = await b!.core.call('searches.list', { envId: b!.envId });
    expect(after.ok && after.value.searches[0]!.lastRun).toMatchObject({ count: 7, isComplete: true });

    const duplicate = await b!.core.call('searches.save', { envId: b!.envId, name: 'critical timeouts', query });
    expect(!duplicate.ok && [duplicate.error.code, duplicate.error.message]).toEqual(['CONFLICT', expect.stringContaining('already exists')]);
    const deleted = await b!.core.call('searches.delete', { envId: b!.envId, name: 'Critical timeouts' });
    expect(deleted.ok).toBe(true);
    const gone = await a!.core.call('searches.list', { envId: a!.envId });
    expect(gone.ok && gone.value.searches).toEqual([]);

    // Each change once on the team stream, and once in each console's own log.
    const team = await a!.core.call('audit.team', { envId: a!.envId, count: 50 });
    expect(team.ok && team.value.filter((e) => e.what.startsWith('search.')).map((e) => e.what)).toEqual(['search.delete', 'search.save']);
    const localA = await a!.core.call('audit.local', { count: 50 });
    expect(localA.ok && localA.value.entries.filter((e) => e.action.startsWith('search.')).map((e) => [e.action, e.envName, e.target])).toEqual([['search.save', `Test ${ns}`, 'saved search Critical timeouts']]);
    const localB = await b!.core.call('audit.local', { count: 50 });
    expect(localB.ok && localB.value.entries.filter((e) => e.action.startsWith('search.')).map((e) => [e.action, e.target, e.after])).toEqual([
      ['search.delete', 'saved search Critical timeouts', expect.objectContaining({ name: 'Critical timeouts', kind: 'dlq' })],
      // The duplicate save was attempted and refused: on this console's record, with why.
      ['search.save', 'saved search critical timeouts', expect.objectContaining({ failed: expect.objectContaining({ code: 'CONFLICT' }) })],
    ]);
  });
});
