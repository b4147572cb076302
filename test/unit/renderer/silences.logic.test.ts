import { describe, expect, it } from 'vitest';
import type { SilenceView } from '../../../shared/contract/method-groups/silences';
import { checkForm, endingSoon, matchedNothing, type SilenceForm } from '../../../renderer/src/features/silences/silences.logic';
import { draftFromAlert } from '../../../renderer/src/stores/silences.logic';

const NOW = Date.parse('2026-06-01T10:00:00Z');
const form = (over: Partial<SilenceForm> = {}): SilenceForm => ({ matchers: 'asset=db-7', mode: 'once', duration: '2h', every: 'sun 02:00-04:00', timeZone: 'Europe/Berlin', reason: 'patching', ...over });

function view(over: Partial<SilenceView>): SilenceView {
  return { id: 's', matchers: [{ field: 'asset', op: 'equals', value: 'db-7' }], schedule: { kind: 'once', startsAt: NOW - 1000, endsAt: NOW + 3_600_000 }, createdBy: 'Ana', reason: 'r', createdAt: NOW - 1000, status: 'active', window: { start: NOW - 1000, end: NOW + 3_600_000 }, matched: 0, ...over };
}

describe('Silences screen logic', () => {
  it('turns the form into contract params, or says what is wrong', () => {
    expect(checkForm(form(), NOW)).toEqual({ ok: true, params: { matchers: [{ field: 'asset', op: 'equals', value: 'db-7' }], schedule: { kind: 'once', startsAt: NOW, endsAt: NOW + 7_200_000 }, reason: 'patching' } });
    expect(checkForm(form({ mode: 'weekly', matchers: 'severity=critical|high\nsource~^kong' }), NOW)).toMatchObject({ ok: true, params: { schedule: { kind: 'weekly', days: ['sun'], start: '02:00', end: '04:00', timeZone: 'Europe/Berlin' } } });
    expect(checkForm(form({ matchers: '' }), NOW)).toMatchObject({ ok: false, problem: expect.stringContaining('at least one matcher') });
    expect(checkForm(form({ matchers: 'colour=red' }), NOW)).toMatchObject({ ok: false, problem: expect.stringContaining('"colour=red" is not a matcher') });
    expect(checkForm(form({ duration: 'soon' }), NOW)).toMatchObject({ ok: false });
    expect(checkForm(form({ reason: ' ' }), NOW)).toMatchObject({ ok: false, problem: expect.stringContaining('Say why') });
  });

  it('warns of active silences ending within 15 minutes and flags those that matched nothing', () => {
    const soon = view({ id: 'soon', window: { start: NOW - 1000, end: NOW + 10 * 60_000 } });
    const later = view({ id: 'later' });
    const scheduled = view({ id: 'scheduled', status: 'scheduled', window: { start: NOW + 60_000, end: NOW + 120_000 } });
    expect(endingSoon([soon, later, scheduled], NOW).map((s) => s.id)).toEqual(['soon']);
    expect(matchedNothing(later)).toBe(true);
    expect(matchedNothing(scheduled)).toBe(false);
    expect(matchedNothing(view({ matched: 3 }))).toBe(false);
  });

  it('"silence like this" drafts matchers from the alert', () => {
    expect(draftFromAlert({ envId: 'e', id: 'a1', title: 'Kong exposed', severity: 'critical', assetId: 'db-7', source: 'kong_monitor', organizationId: 'org' })).toEqual({ envId: 'e', matchers: 'asset=db-7\nsource=kong_monitor\nseverity=critical', reason: '', fromAlert: { id: 'a1', title: 'Kong exposed' } });
    expect(draftFromAlert({ envId: 'e', id: 'a2', title: 't', severity: 'high', organizationId: 'org' }).matchers).toBe('organisation=org\nseverity=high');
  });
});
