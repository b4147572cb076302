import { describe, expect, it } from 'vitest';
import { parseSearch } from '../../../renderer/src/features/dead-letters/dead-letters-tools';
import { errorShape, valueAtPath } from '../../../shared/model/dlq-search';

describe('dead-letter search input', () => {
  it('reads path=value as a field match, anything else as payload text, plus the error', () => {
    expect(parseSearch('event.severity = critical', '')).toEqual({ field: { path: 'event.severity', value: 'critical' } });
    expect(parseSearch('c2.evil.example', 'timeout')).toEqual({ text: 'c2.evil.example', error: 'timeout' });
    expect(parseSearch('  ', '')).toBeNull();
  });
  it('follows dotted paths into JSON and folds the variable parts of errors', () => {
    expect(valueAtPath({ a: { b: [1, { c: 'x' }] } }, 'a.b.1.c')).toBe('x');
    expect(valueAtPath({ a: { n: 3 } }, 'a.n')).toBe('3');
    expect(valueAtPath({ a: 1 }, 'a.b')).toBeUndefined();
    expect(errorShape('timeout after 3000 ms on entry 1700000000000-3 for "abc" id 123e4567-e89b-12d3-a456-426614174000')).toBe('timeout after <n> ms on entry <entry> for <value> id <id>');
  });
});
