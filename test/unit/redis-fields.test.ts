import { describe, expect, it } from 'vitest';
import { readAuditEntry } from '../../electron/core/alerts/alert-transitions';
import { fieldMap, fieldOf } from '../../electron/core/brokers/redis/fields';

describe('flat Redis field lists', () => {
  it('finds a field by name at even positions only', () => {
    expect(fieldOf(['source', 'edr', 'data', '{}'], 'data')).toBe('{}');
    // Missing: undefined, not the first field's name (what fields[indexOf + 1] gave).
    expect(fieldOf(['source', 'edr'], 'data')).toBeUndefined();
    // A value that equals the name is not the field.
    expect(fieldOf(['kind', 'data', 'data', 'payload'], 'data')).toBe('payload');
    expect(fieldOf(['kind', 'data'], 'data')).toBeUndefined();
    expect(fieldOf([Buffer.from('data'), Buffer.from('x')], 'data')?.toString()).toBe('x');
    expect(fieldMap(['a', 1, 'b', 2])).toEqual(new Map([['a', 1], ['b', 2]]));
  });

  it('reads a team audit entry, and shows one something else wrote instead of failing the whole list', () => {
    const record = { who: 'ana@ws1', at: 1_700_000_000_000, what: 'ack', alertId: 'a1', before: { status: 'open' }, after: { status: 'acknowledged' } };
    expect(readAuditEntry('1700000000000-0', ['data', JSON.stringify(record)])).toEqual({ ...record, streamId: '1700000000000-0' });
    const foreign = readAuditEntry('1700000000500-0', ['source', 'someone else']);
    expect(foreign).toMatchObject({ streamId: '1700000000500-0', what: 'unreadable entry', at: 1_700_000_000_500, alertId: '', before: null, reason: expect.stringContaining('no "data" field') });
    expect(readAuditEntry('1-0', ['data', 'not json'])).toMatchObject({ what: 'unreadable entry', reason: expect.stringContaining('not an audit record') });
    expect(readAuditEntry('1-0', ['data', '42'])).toMatchObject({ what: 'unreadable entry' });
  });
});
