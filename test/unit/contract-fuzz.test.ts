import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/contract/errors';
import { METHOD_NAMES } from '../../shared/contract/methods';
import { AppCore } from '../../electron/core/app-core';
import { FileSecretStore } from '../../electron/core/environments/file-secret-store';
import { tempHome } from '../helpers/brokers';

/**
 * Fuzzed arguments to every contract method (fast-check): the core answers each with a result
 * or a coded error — validation, not found… — and never crashes, hangs or reports INTERNAL.
 * No broker is connected (no runtime runs), so nothing outside the temporary config home changes.
 */
describe('contract fuzzing', () => {
  const home = tempHome();
  const logs: string[] = [];
  let core: AppCore;
  beforeAll(async () => {
    core = await AppCore.create({ home: home.dir, secretStore: new FileSecretStore(home.dir), mode: 'browser', version: 'fuzz', shouldStartRuntimes: false, shouldValidateResults: true, writeLog: (l) => logs.push(l) });
  });
  afterAll(async () => {
    await core.close();
    home.cleanup();
  });

  const KNOWN = new Set<string>(ERROR_CODES);
  const check = async (method: unknown, params: unknown) => {
    const result = await core.dispatch(method, params);
    if (result.ok) return;
    expect(KNOWN.has(result.error.code)).toBe(true);
    expect(result.error.code, `${String(method)} ${JSON.stringify(params)?.slice(0, 200)} → ${result.error.message}`).not.toBe('INTERNAL');
    expect(typeof result.error.message).toBe('string');
  };

  // Values shaped like the contract's fields, so more calls get past validation into the handlers.
  const fieldish = fc.oneof(
    fc.constantFrom('nope', 'local-x', '', '0-0', '1700000000000-0', 'security.events', 'security.events.dlq', '../../etc/passwd', '<script>alert(1)</script>', 'a'.repeat(5000)),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
  );
  const shaped = fc.dictionary(
    fc.constantFrom('envId', 'id', 'source', 'stream', 'group', 'consumer', 'queue', 'channel', 'count', 'after', 'ids', 'all', 'dryRun', 'confirm', 'limit', 'action', 'expectedVersion', 'input', 'rate', 'policy', 'pattern', 'message', 'tailId'),
    fieldish,
    { maxKeys: 6 },
  );

  it('every method answers arbitrary values with a coded error or a result, never INTERNAL', async () => {
    for (const method of METHOD_NAMES) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.anything(), shaped), async (params) => check(method, params)),
        { numRuns: 60 },
      );
    }
    expect(logs.filter((l) => l.includes('call failed'))).toEqual([]);
  });

  it('unknown method names and prototype keys are refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app.info.x')), fc.anything(), async (method, params) => {
        const result = await core.dispatch(method, params);
        if (!(METHOD_NAMES as readonly string[]).includes(method)) expect(!result.ok && result.error.code).toBe('UNKNOWN_METHOD');
      }),
      { numRuns: 300 },
    );
  });
});
