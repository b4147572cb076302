import type { SilenceView } from '../../../../shared/contract/method-groups/silences';
import { parseDuration, parseMatcher, parseWeeklyWindow, type SilenceMatcher, type SilenceSchedule } from '../../../../shared/model/silences';

/** The add form as typed. */
export interface SilenceForm {
  matchers: string;
  mode: 'once' | 'weekly';
  /** once: how long from now, e.g. `2h`. */
  duration: string;
  /** weekly: `sun 02:00-04:00`. */
  every: string;
  timeZone: string;
  reason: string;
}

export type FormCheck = { ok: true; params: { matchers: SilenceMatcher[]; schedule: SilenceSchedule; reason: string } } | { ok: false; problem: string };

/** The form in contract terms, or the first thing wrong with it, in words. */
export function checkForm(form: SilenceForm, now: number): FormCheck {
  const lines = form.matchers.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return { ok: false, problem: 'Add at least one matcher, e.g. asset=db-7' };
  const matchers: SilenceMatcher[] = [];
  for (const line of lines) {
    const m = parseMatcher(line);
    if (!m) return { ok: false, problem: `"${line}" is not a matcher: key=value, key=a|b or key~regex with key severity, source, asset, organisation or type` };
    matchers.push(m);
  }
  let schedule: SilenceSchedule;
  if (form.mode === 'once') {
    const ms = parseDuration(form.duration);
    if (ms === null) return { ok: false, problem: `"${form.duration}" is not a duration: 2h, 90m, 1h30m` };
    schedule = { kind: 'once', startsAt: now, endsAt: now + ms };
  } else {
    const weekly = parseWeeklyWindow(form.every);
    if (!weekly) return { ok: false, problem: `"${form.every}" is not a weekly window: sun 02:00-04:00 or sat,sun 23:00-01:00` };
    if (!form.timeZone.trim()) return { ok: false, problem: 'Give the time zone, e.g. Europe/Berlin' };
    schedule = { kind: 'weekly', ...weekly, timeZone: form.timeZone.trim() };
  }
  if (!form.reason.trim()) return { ok: false, problem: 'Say why (the team audit records it)' };
  return { ok: true, params: { matchers, schedule, reason: form.reason.trim() } };
}

/** How long before its end an active silence is announced as ending. */
export const EXPIRY_WARNING_MS = 15 * 60_000;

/** The active silences whose window ends within `EXPIRY_WARNING_MS`: the alerts they cover notify and escalate from then. */
export function endingSoon(silences: readonly SilenceView[], now: number): SilenceView[] {
  return silences.filter((s) => s.status === 'active' && s.window !== null && s.window.end - now <= EXPIRY_WARNING_MS);
}

/** True when a silence has been in effect (or is over) and covered no alert: probably a mistyped matcher. */
export function matchedNothing(s: SilenceView): boolean {
  return s.matched === 0 && s.status !== 'scheduled';
}

/** A schedule in words: `once, 2 h` is shown by its window; weekly ones by their rule. */
export function scheduleText(s: SilenceSchedule): string {
  return s.kind === 'once' ? 'once' : `every ${s.days.join(', ')} ${s.start}–${s.end} (${s.timeZone})`;
}
