import { describe, expect, it } from 'vitest';
import { checkSaveName, lastRunLabel } from '../../../renderer/src/features/searches/saved-searches.logic';
import type { SavedSearchView } from '../../../shared/model/saved-searches';

const kong: SavedSearchView = { name: 'Kong', query: { kind: 'dlq', match: { text: 'kong' } }, createdBy: 'Ana', createdAt: 1, updatedBy: 'Ana', updatedAt: 1, lastRun: null };

describe('the save dialog and the saved-search chips', () => {
  it('say what is wrong with a name before anything is sent', () => {
    expect(checkSaveName('  ', [kong], false)).toMatchObject({ ok: false, message: 'Give the search a name.' });
    expect(checkSaveName('x'.repeat(81), [kong], false)).toMatchObject({ ok: false, message: 'At most 80 characters (81 now).' });
    expect(checkSaveName('KONG ', [kong], false)).toMatchObject({ ok: false, taken: kong, message: expect.stringContaining('“Kong” is already saved (by Ana)') });
    expect(checkSaveName('kong', [kong], true)).toEqual({ ok: true, taken: kong });
    expect(checkSaveName('Kong 2', [kong], false)).toEqual({ ok: true, taken: null });
  });

  it('show the last count, a floor when the run stopped early, and who ran it when', () => {
    const age = (ms: number) => `${Math.round(ms / 60_000)} min`;
    const count = (n: number) => n.toLocaleString('en-US');
    expect(lastRunLabel(kong, 0, age, count)).toBe('not run yet');
    expect(lastRunLabel({ lastRun: { count: 1000, at: 0, by: 'Bo', isComplete: false } }, 300_000, age, count)).toBe('1,000+ last time · 5 min ago by Bo');
    expect(lastRunLabel({ lastRun: { count: 3, at: 0, by: 'Bo', isComplete: true } }, 5_000, age, count)).toBe('3 last time · just now by Bo');
  });
});
