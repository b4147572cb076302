import { describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/contract/errors';
import { Dispatcher, OPEN_GUARD, type Handlers } from '../../electron/core/rpc/dispatcher';
import { Redactor } from '../../electron/core/redaction';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function dispatcher(overrides: Partial<Handlers>) {
  const redactor = new Redactor();
  redactor.remember('s3cret');
  return new Dispatcher(overrides as Handlers, redactor, logger, true, OPEN_GUARD);
}

describe('Dispatcher', () => {
  it('refuses unknown methods and invalid params as data, not throws', async () => {
    const d = dispatcher({});
    expect(await d.dispatch('nope.never', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await d.dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const bad = await d.dispatch('environments.add', { name: '', redis: { url: 'http://x' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(!bad.ok && bad.error.message).toMatch(/name: name is required.*redis\.url: unknown scheme/);
  });

  it('maps coded errors and redacts unexpected ones', async () => {
    const d = dispatcher({
      'environments.remove': async () => {
        throw new CodedError('NOT_FOUND', 'no environment with id "x"');
      },
      'environments.list': async () => {
        throw new Error('boom with s3cret inside');
      },
    });
    expect(await d.dispatch('environments.remove', { id: 'x' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no environment with id "x"' } });
    const failed = await d.dispatch('environments.list', {});
    expect(failed).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(failed)).not.toContain('s3cret');
  });

  it('passes validated params with defaults to the handler', async () => {
    let seen: unknown;
    const d = dispatcher({
      'demo.status': async (params) => {
        seen = params;
        return { envId: params.envId, running: false, rate: 0, startedAt: null, produced: { redis: 0, amqp: 0, malformed: 0 }, lastError: null };
      },
    });
    expect(await d.dispatch('demo.status', { envId: 'local' })).toMatchObject({ ok: true, value: { envId: 'local' } });
    expect(seen).toEqual({ envId: 'local' });
  });
});
