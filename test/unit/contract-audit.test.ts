import { describe, expect, it } from 'vitest';
import { accessForConfirm, METHOD_NAMES, methods, policyOf, type MethodName } from '../../shared/contract/methods';
import { ConfirmAction } from '../../shared/contract/method-groups/confirm';
import { Dispatcher, type AuditRecord, type CallGuard, type Handlers } from '../../electron/core/rpc/dispatcher';
import { CodedError } from '../../shared/contract/errors';
import { Redactor } from '../../electron/core/redaction';

/** The params' top-level keys (every params schema is an object, some refined). */
function keysOf(method: MethodName): string[] {
  const schema = methods[method].params as unknown as { shape?: Record<string, unknown> };
  return Object.keys(schema.shape ?? {});
}

/** Methods named like a change that nonetheless change nothing a team shares (live tails, a connection test, token issue). */
const READS_DESPITE_THEIR_NAME = new Set<MethodName>(['pubsub.startTail', 'pubsub.stopTail', 'pubsub.keepTailsAlive', 'environments.test', 'confirm.issue']);
const CHANGE_VERBS = /\.(add|update|remove|set[A-Z]\w*|start\w*|stop\w*|pause|resume|configure|reset|purge\w*|replay\w*|drain|clean|promote|claim|ack|delete\w*|move\w*|publish|import|act|bulk|bullRetry|rabbitReplay)$/;

describe('contract: access, confirmation and audit of every method', () => {
  it('every state-changing method declares an audit entry with a target', () => {
    const writes = METHOD_NAMES.filter((m) => policyOf(m).access !== 'read');
    expect(writes.length).toBeGreaterThan(30);
    for (const method of writes) {
      const { audit } = policyOf(method);
      expect(audit, `${method} changes state but declares no audit`).toBeDefined();
      expect(typeof audit!.target, method).toBe('function');
    }
  });

  it('no method named like a change is left as a read (a new write method must declare its policy)', () => {
    const undeclared = METHOD_NAMES.filter((m) => CHANGE_VERBS.test(m) && !READS_DESPITE_THEIR_NAME.has(m) && policyOf(m).access === 'read');
    expect(undeclared).toEqual([]);
  });

  it('a method taking a confirmation token declares it (and only those), a dry run is declared too', () => {
    for (const method of METHOD_NAMES) {
      const policy = policyOf(method);
      const keys = keysOf(method);
      expect(keys.includes('confirmToken'), `${method}: confirmToken param vs confirm declaration`).toBe(policy.confirm !== undefined);
      if (keys.includes('dryRun')) expect(policy.dryRun, `${method} has a dryRun param`).toBeDefined();
      if (policy.confirm) expect(['operator', 'admin'], method).toContain(policy.access);
    }
  });

  it('every confirmation action guards some method; confirm.issue asks the role those methods need', () => {
    for (const action of ConfirmAction.options) expect(accessForConfirm(action), action).not.toBe('read');
    expect(accessForConfirm('dlq.replay')).toBe('operator');
    expect(accessForConfirm('dlq.purge')).toBe('admin');
    expect(accessForConfirm('queues.purge')).toBe('admin');
    expect(accessForConfirm('streams.deleteConsumer')).toBe('admin');
  });

  it('names the destructive actions of issue 14 with their levels', () => {
    const levels = Object.fromEntries(METHOD_NAMES.map((m) => [m, policyOf(m).access]));
    expect(levels).toMatchObject({
      'dlq.purge': 'admin',
      'dlq.purgeIds': 'admin',
      'queues.purge': 'admin',
      'bullmq.drain': 'admin',
      'bullmq.clean': 'admin',
      'streams.deleteConsumer': 'admin',
      'dlq.replay': 'operator',
      'bullmq.pause': 'operator',
      'bullmq.promote': 'operator',
      'dlq.bullRetry': 'operator',
      'streams.claim': 'operator',
      'streams.ack': 'operator',
      'streams.moveToDeadLetter': 'operator',
      'environments.add': 'console',
      'environments.update': 'console',
      'environments.remove': 'console',
      'dlq.list': 'read',
      'audit.local': 'read',
    });
  });
});

describe('dispatcher: enforces the declared policy', () => {
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  function setup(handlers: Partial<Handlers>, refuse?: string) {
    const calls: string[] = [];
    const records: { entries: AuditRecord[]; team: boolean }[] = [];
    const guard: CallGuard = {
      envName: (id) => (id === 'e1' ? 'Staging' : null),
      authorize: (envId, level, what) => {
        calls.push(`authorize ${envId} ${level} ${what}`);
        if (refuse) throw new CodedError('UNAUTHORIZED', refuse);
      },
      confirm: (token, envId, action, target) => {
        calls.push(`confirm ${token} ${envId} ${action} ${target}`);
      },
      record: async (entries, team) => {
        records.push({ entries, team });
      },
    };
    return { d: new Dispatcher(handlers as Handlers, new Redactor(), logger, true, guard), calls, records };
  }
  const token = 'a'.repeat(32);

  it('checks the role and the token before the handler, then writes one entry with the count and what the handler noted', async () => {
    let ran = false;
    const { d, calls, records } = setup({
      'dlq.purge': async ({ source }, call) => {
        ran = true;
        call.note({ before: { length: 64 } });
        call.note({ after: { length: 0 } });
        return { source, removed: 64 };
      },
    });
    const result = await d.dispatch('dlq.purge', { envId: 'e1', source: 's.dlq', olderThanMs: 0, confirmToken: token });
    expect(result).toEqual({ ok: true, value: { source: 's.dlq', removed: 64 } });
    expect(ran).toBe(true);
    expect(calls).toEqual(['authorize e1 administer dlq.purge s.dlq', `confirm ${token} e1 dlq.purge s.dlq`]);
    expect(records).toEqual([
      { team: true, entries: [{ envId: 'e1', envName: 'Staging', action: 'dlq.purge', target: 's.dlq', count: 64, before: { length: 64 }, after: { count: 64, olderThanMs: 0, length: 0 } }] },
    ]);
  });

  it('a refusal runs nothing and records nothing; a dry run is a read', async () => {
    let ran = 0;
    const handlers: Partial<Handlers> = {
      'dlq.replay': async ({ source, dryRun }) => {
        ran++;
        return { source, dryRun, matched: 1, replayed: 1, skipped: 0, failed: [], targets: {} };
      },
    };
    const refused = setup(handlers, 'your role on Staging is viewer');
    expect(await refused.d.dispatch('dlq.replay', { envId: 'e1', source: 's.dlq', ids: ['1-0'] })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(ran).toBe(0);
    expect(refused.records).toEqual([]);
    const dry = setup(handlers, 'refused');
    expect(await dry.d.dispatch('dlq.replay', { envId: 'e1', source: 's.dlq', all: true, dryRun: true })).toMatchObject({ ok: true });
    expect(dry.calls).toEqual([]);
    expect(dry.records).toEqual([]);
    // A few ids need no token, all does.
    const few = setup(handlers);
    await few.d.dispatch('dlq.replay', { envId: 'e1', source: 's.dlq', ids: ['1-0'] });
    expect(few.calls).toEqual(['authorize e1 operate dlq.replay s.dlq']);
    expect(few.records[0]!.entries[0]).toMatchObject({ action: 'dlq.replay', count: 1, after: { count: 1, selection: 'ids' } });
    await few.d.dispatch('dlq.replay', { envId: 'e1', source: 's.dlq', all: true });
    expect(few.calls[2]).toBe('confirm undefined e1 dlq.replay s.dlq');
  });

  it('a handler that fails after being allowed leaves a local entry saying why; bad input leaves none', async () => {
    const { d, records } = setup({
      'queues.purge': async () => {
        throw new CodedError('BROKER_ERROR', 'PRECONDITION_FAILED');
      },
      'streams.ack': async () => {
        throw new CodedError('VALIDATION', 'bad');
      },
    });
    expect(await d.dispatch('queues.purge', { envId: 'e1', queue: 'q', confirmToken: token })).toMatchObject({ ok: false, error: { code: 'BROKER_ERROR' } });
    expect(records).toEqual([{ team: false, entries: [{ envId: 'e1', envName: 'Staging', action: 'queues.purge', target: 'q', before: null, after: { failed: { code: 'BROKER_ERROR', message: 'PRECONDITION_FAILED' } } }] }]);
    await d.dispatch('streams.ack', { envId: 'e1', stream: 's', group: 'g', ids: ['1-0'] });
    expect(records).toHaveLength(1);
  });

  it('console actions are recorded locally only, with the environment from the result for an add', async () => {
    const { d, calls, records } = setup({
      'environments.add': async (input) => ({ id: 'e1', name: input.name, colour: '#000', production: false, readOnly: false, opensReadOnly: false, writableUntil: null, role: 'admin', namespace: '', redis: null, amqp: null, managementUrl: null, hasPayloadKey: false }),
    });
    await d.dispatch('environments.add', { name: 'Staging', redis: { url: 'redis://:hunter2@10.0.0.5:6379' } });
    expect(calls).toEqual([]);
    expect(records).toEqual([{ team: false, entries: [expect.objectContaining({ envId: 'e1', envName: 'Staging', action: 'environments.add', target: 'Staging' })] }]);
    expect(JSON.stringify(records)).not.toContain('hunter2');
  });

  it('each item a bulk handler notes is its own entry', async () => {
    const { records } = await (async () => {
      const s = setup({
        'alerts.bulk': async (_p, call) => {
          call.note({ target: 'a1', before: { status: 'open' }, after: { status: 'acknowledged' } });
          call.note({ target: 'a2', before: { status: 'open' }, after: { status: 'acknowledged' } });
          return { done: [], failed: [] };
        },
      });
      await s.d.dispatch('alerts.bulk', { envId: 'e1', action: 'ack', reason: 'seen', items: [{ id: 'a1', expectedVersion: 1 }, { id: 'a2', expectedVersion: 1 }] });
      return s;
    })();
    expect(records[0]!.team).toBe(false);
    expect(records[0]!.entries.map((e) => [e.action, e.target, e.reason])).toEqual([
      ['alert.ack', 'a1', 'seen'],
      ['alert.ack', 'a2', 'seen'],
    ]);
  });
});
