/**
 * Ages and "updated …" labels that stay true while the screen sits open (issue 21.4): a value the
 * host measured at one moment (an idle time, an age) keeps growing on the client's clock, and a
 * sample that stopped coming is marked stale instead of being shown as current.
 */

/** An age measured `receivedAt` (epoch ms, client clock), as it is at `now`; null stays null. */
export function agedBy(ms: number | null, receivedAt: number, now: number): number | null {
  return ms === null ? null : ms + Math.max(0, now - receivedAt);
}

/** The epoch ms inside a Redis stream entry id (`<ms>-<seq>`), or null when it is not one. */
export function streamIdTime(id: string): number | null {
  const match = /^(\d+)-\d+$/.exec(id);
  return match ? Number(match[1]) : null;
}

/** Age of a Redis stream entry now, from its id; falls back to the host's measured age when the id carries no time. */
export function streamEntryAge(id: string, measuredMs: number, receivedAt: number, now: number): number {
  const at = streamIdTime(id);
  return at === null ? (agedBy(measuredMs, receivedAt, now) ?? measuredMs) : Math.max(0, now - at);
}

export interface Freshness {
  /** "updated 4 s ago", "updated 12 min ago". */
  label: string;
  /** No new sample for longer than three expected intervals (and at least 10 s). */
  isStale: boolean;
}

/** How fresh a sample taken at `at` is at `now`, for a source expected every `expectedEveryMs`. */
export function freshness(at: number, now: number, expectedEveryMs: number): Freshness {
  const age = Math.max(0, now - at);
  const isStale = age > Math.max(10_000, expectedEveryMs * 3);
  return { label: `updated ${agoText(age)}`, isStale };
}

/** "just now", "4 s ago", "12 min ago", "2 h 5 min ago". */
export function agoText(ms: number): string {
  if (ms < 1500) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  return minutes === 0 ? `${hours} h ago` : `${hours} h ${minutes} min ago`;
}
