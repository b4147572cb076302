import { describe, expect, it } from 'vitest';
import type { StreamEntriesPage, StreamEntry } from '../../../shared/model/stream-entries';
import { emptyEntriesText, entrySummary, filterEntries, hasNewerEntries } from '../../../renderer/src/features/streams/stream-entries.logic';

const field = (name: string, preview: string, extra: Partial<StreamEntry['fields'][number]> = {}) => ({ name, preview, size: preview.length, encoding: 'text' as const, truncated: false, ...extra });
const entry = (id: string, fields: StreamEntry['fields'], fieldCount = fields.length): StreamEntry => ({ id, at: Number(id.split('-')[0]), fields, fieldCount, size: 0 });
const page = (entries: StreamEntry[], order: 'newest' | 'oldest' = 'newest'): StreamEntriesPage => ({ stream: 's', length: entries.length, order, entries, nextAfter: null });

describe('stream entry list', () => {
  it('sums an entry up on one line, binary as 0x…, and says when fields were left out', () => {
    expect(entrySummary(entry('1-0', [field('data', '{\n "a": 1\n}'), field('bin', '00ff', { encoding: 'hex' })]))).toBe('data={ "a": 1 }  bin=0x00ff');
    expect(entrySummary(entry('1-0', [field('a', '1')], 205))).toBe('a=1  … 204 more fields');
    expect(entrySummary(entry('1-0', [field('data', 'x'.repeat(500))]), 40)).toHaveLength(40);
  });

  it('filters the loaded entries by id, field name or value', () => {
    const entries = [entry('1-0', [field('source', 'system-46')]), entry('2-0', [field('severity', 'Critical')])];
    expect(filterEntries(entries, '')).toHaveLength(2);
    expect(filterEntries(entries, 'system-4').map((e) => e.id)).toEqual(['1-0']);
    expect(filterEntries(entries, 'critical').map((e) => e.id)).toEqual(['2-0']);
    expect(filterEntries(entries, 'SEVERITY').map((e) => e.id)).toEqual(['2-0']);
    expect(filterEntries(entries, '2-0').map((e) => e.id)).toEqual(['2-0']);
    expect(filterEntries(entries, 'nothing')).toEqual([]);
  });

  it('says newer entries arrived only on the first newest-first page', () => {
    const shown = page([entry('100-0', [])]);
    expect(hasNewerEntries(shown, '100-0', true)).toBe(false);
    expect(hasNewerEntries(shown, '100-1', true)).toBe(true);
    expect(hasNewerEntries(shown, '100-1', false)).toBe(false);
    expect(hasNewerEntries(page([entry('100-0', [])], 'oldest'), '200-0', true)).toBe(false);
    expect(hasNewerEntries(page([]), '5-0', true)).toBe(true);
    expect(hasNewerEntries(shown, null, true)).toBe(false);
  });

  it('tells an empty stream from the end of the list and from a position past the last entry', () => {
    expect(emptyEntriesText('s', true, null, 'newest')).toMatch(/s is empty/);
    expect(emptyEntriesText('s', false, null, 'oldest')).toBe('No more entries.');
    expect(emptyEntriesText('s', true, '1700000000000', 'newest')).toBe('No entry at or before 1700000000000.');
    expect(emptyEntriesText('s', true, '1700000000000', 'oldest')).toBe('No entry at or after 1700000000000.');
  });
});
