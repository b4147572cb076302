import { describe, expect, it } from 'vitest';
import { BULK_CHUNK, actOnAlert, bulkActOnAlerts } from '../../../renderer/src/actions/alert-actions';
import type { WatchfloorClient } from '../../../renderer/src/api/client';
import { createAppStores } from '../../../renderer/src/stores/app-stores';
import { applyAlertList } from '../../../renderer/src/stores/alerts.logic';
import type { Result } from '../../../shared/contract';
import { summarize, type AlertState } from '../../../shared/model/alerts';

const state = (id: string, patch: Partial<AlertState> = {}): AlertState => ({
  id,
  severity: 'high',
  title: `alert ${id}`,
  message: '',
  status: 'open',
  level: 1,
  createdAt: 1,
  metadata: {},
  notes: [],
  version: 1,
  updatedBy: 'engine',
  updatedAt: 1,
  timeline: [],
  ...patch,
});

/** A client that records every call and answers with `answer(method, params)`. */
function fakeClient(answer: (method: string, params: Record<string, unknown>) => Result<unknown>) {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const client = {
    transport: 'websocket',
    call: (method: string, params: Record<string, unknown>) => {
      calls.push({ method, params });
      return Promise.resolve(answer(method, params));
    },
    on: () => () => undefined,
  } as unknown as WatchfloorClient;
  return { client, calls };
}

function storesWith(...ids: string[]) {
  const stores = createAppStores('websocket');
  stores.alerts.setState((s) => applyAlertList(s, { envId: 'e1', alerts: ids.map((id) => summarize('e1', state(id))), total: ids.length, readOnly: false }), true);
  return stores;
}

describe('actOnAlert', () => {
  it('sends the alert, its version and the change, and puts the new state in the store', async () => {
    const { client, calls } = fakeClient(() => ({ ok: true, value: state('a1', { status: 'acknowledged', version: 2, notes: [{ who: 'x', at: 1, text: 'n' }] }) }));
    const stores = storesWith('a1');
    const result = await actOnAlert({ client, stores }, { envId: 'e1', id: 'a1', version: 1 }, { action: 'ack' });
    expect(result.ok).toBe(true);
    expect(calls).toEqual([{ method: 'alerts.act', params: { envId: 'e1', id: 'a1', expectedVersion: 1, action: 'ack' } }]);
    const held = stores.alerts.getState().byEnv.e1!.byId.a1!;
    expect(held).toMatchObject({ status: 'acknowledged', version: 2, envId: 'e1', noteCount: 1 });
    expect(held).not.toHaveProperty('timeline');
  });

  it('leaves the store as it was when the host refuses', async () => {
    const { client } = fakeClient(() => ({ ok: false, error: { code: 'CONFLICT', message: 'changed meanwhile' } }));
    const stores = storesWith('a1');
    const before = stores.alerts.getState();
    const result = await actOnAlert({ client, stores }, { envId: 'e1', id: 'a1', version: 1 }, { action: 'resolve', resolution: 'fixed' });
    expect(result).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'changed meanwhile' } });
    expect(stores.alerts.getState()).toBe(before);
  });
});

describe('bulkActOnAlerts', () => {
  it(`splits each environment's alerts into calls of at most ${BULK_CHUNK} and counts what changed`, async () => {
    const { client, calls } = fakeClient((_m, params) => {
      const items = params.items as { id: string }[];
      return { ok: true, value: { done: items.slice(1).map((i) => state(i.id, { status: 'resolved', version: 2 })), failed: [{ id: items[0]!.id, code: 'CONFLICT', message: `${items[0]!.id} changed` }] } };
    });
    const stores = storesWith('a0', 'a1');
    const alerts = [...Array.from({ length: BULK_CHUNK + 5 }, (_, i) => ({ envId: 'e1', id: `a${i}`, version: 1 })), { envId: 'e2', id: 'b0', version: 3 }, { envId: 'e2', id: 'b1', version: 3 }];
    const outcome = await bulkActOnAlerts({ client, stores }, alerts, { action: 'resolve', reason: 'noise', resolution: 'duplicate' });
    expect(calls.map((c) => [c.params.envId, (c.params.items as unknown[]).length])).toEqual([
      ['e1', BULK_CHUNK],
      ['e1', 5],
      ['e2', 2],
    ]);
    expect(calls[2]!.params).toEqual({ envId: 'e2', action: 'resolve', reason: 'noise', resolution: 'duplicate', items: [{ id: 'b0', expectedVersion: 3 }, { id: 'b1', expectedVersion: 3 }] });
    expect(outcome).toEqual({ ok: true, done: BULK_CHUNK + 5 + 2 - 3, failed: ['a0 changed', `a${BULK_CHUNK} changed`, 'b0 changed'] });
    expect(stores.alerts.getState().byEnv.e1!.byId.a1!.status).toBe('resolved');
    expect(stores.alerts.getState().byEnv.e1!.byId.a0!.status).toBe('open');
  });

  it('stops at the first refused call, saying how many had changed', async () => {
    let n = 0;
    const { client, calls } = fakeClient((_m, params) =>
      n++ === 0 ? { ok: true, value: { done: (params.items as { id: string }[]).map((i) => state(i.id, { status: 'acknowledged', version: 2 })), failed: [] } } : { ok: false, error: { code: 'READ_ONLY', message: 'read-only' } },
    );
    const alerts = Array.from({ length: BULK_CHUNK * 3 }, (_, i) => ({ envId: 'e1', id: `a${i}`, version: 1 }));
    const outcome = await bulkActOnAlerts({ client, stores: storesWith() }, alerts, { action: 'ack', reason: 'storm' });
    expect(outcome).toEqual({ ok: false, done: BULK_CHUNK, message: 'read-only' });
    expect(calls).toHaveLength(2);
  });
});
