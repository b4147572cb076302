import { describe, expect, it } from 'vitest';
import { MAX_RECONNECT_DELAY_MS, reconnectDelayMs } from '../../../renderer/src/api/backoff.logic';
import { takeTokenFromHash } from '../../../renderer/src/api/token.logic';

describe('reconnectDelayMs', () => {
  it('doubles from 250 ms and never exceeds 3 s', () => {
    const noJitter = () => 1;
    expect([0, 1, 2, 3, 4, 10, 100].map((attempt) => reconnectDelayMs(attempt, noJitter))).toEqual([250, 500, 1000, 2000, 3000, 3000, 3000]);
  });

  it('jitters down to half, never above the cap', () => {
    expect(reconnectDelayMs(0, () => 0)).toBe(125);
    for (let i = 0; i < 50; i++) expect(reconnectDelayMs(20)).toBeLessThanOrEqual(MAX_RECONNECT_DELAY_MS);
  });
});

describe('takeTokenFromHash', () => {
  it('takes the token and leaves nothing visible', () => {
    expect(takeTokenFromHash('#token=abc123')).toEqual({ token: 'abc123', remainingHash: '' });
  });

  it('keeps other hash parameters', () => {
    expect(takeTokenFromHash('#view=x&token=t')).toEqual({ token: 't', remainingHash: '#view=x' });
  });

  it('finds no token in an empty or unrelated hash', () => {
    expect(takeTokenFromHash('')).toEqual({ token: null, remainingHash: '' });
    expect(takeTokenFromHash('#section')).toEqual({ token: null, remainingHash: '#section' });
    expect(takeTokenFromHash('#token=')).toEqual({ token: null, remainingHash: '' });
  });

  it('decodes a percent-encoded token', () => {
    expect(takeTokenFromHash('#token=a%2Bb').token).toBe('a+b');
  });
});
