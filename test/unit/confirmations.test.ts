import { describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/contract/errors';
import { CONFIRMATION_TTL_MS, ConfirmationTokens } from '../../electron/core/confirmations';

describe('one-time confirmation tokens', () => {
  let now = 1_000_000;
  const tokens = new ConfirmationTokens(() => now);
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      return error instanceof CodedError ? `${error.code}: ${error.message}` : String(error);
    }
    return 'accepted';
  };

  it('issues only for the exact name and accepts a token once, for the same environment, action and target', () => {
    expect(refusal(() => tokens.issue('prod', 'queues.purge', 'alert_queue', 'alert_queue '))).toMatch(/^VALIDATION: confirmation refused: type "alert_queue" exactly/);
    const { token } = tokens.issue('prod', 'queues.purge', 'alert_queue', 'alert_queue');
    expect(refusal(() => tokens.consume(token, 'prod', 'queues.purge', 'metrics_queue'))).toMatch(/^UNAUTHORIZED: .*given for something else/);
    const again = tokens.issue('prod', 'queues.purge', 'alert_queue', 'alert_queue').token;
    expect(refusal(() => tokens.consume(again, 'stage', 'queues.purge', 'alert_queue'))).toMatch(/something else/);
    const good = tokens.issue('prod', 'queues.purge', 'alert_queue', 'alert_queue').token;
    expect(refusal(() => tokens.consume(good, 'prod', 'queues.purge', 'alert_queue'))).toBe('accepted');
    expect(refusal(() => tokens.consume(good, 'prod', 'queues.purge', 'alert_queue'))).toMatch(/unknown or was already used/);
    expect(refusal(() => tokens.consume(undefined, 'prod', 'queues.purge', 'alert_queue'))).toMatch(/none was given/);
    expect(refusal(() => tokens.consume('0'.repeat(32), 'prod', 'queues.purge', 'alert_queue'))).toMatch(/unknown/);
  });

  it('expires after a minute', () => {
    const { token, expiresAt } = tokens.issue('prod', 'dlq.purge', 'x.dlq', 'x.dlq');
    expect(expiresAt).toBe(now + CONFIRMATION_TTL_MS);
    now += CONFIRMATION_TTL_MS + 1;
    expect(refusal(() => tokens.consume(token, 'prod', 'dlq.purge', 'x.dlq'))).toMatch(/expired/);
  });
});
