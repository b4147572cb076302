import type { AlertState } from '../../../shared/model/alerts';

/**
 * Reading many alert hashes without losing any silently (issue 19). One pipeline of 20,000 HGETs
 * per environment, ten environments at once, made the later commands of each pipeline outlive the
 * connection's command deadline: their rows came back as errors and were dropped, so the list
 * said "64,877" and looked complete. Here the ids are read in pages of a bounded size, one page in
 * flight per caller; an id whose read failed for a passing reason (a timeout, a dropped
 * connection) is read again in a later, smaller page; what still could not be read is counted and
 * named in the answer, never left out quietly.
 */

/** HGETs in one pipeline: small enough to finish well inside a command deadline on a busy Redis. */
export const ALERT_PAGE_SIZE = 500;
/** Further passes over the ids whose read failed for a passing reason (each with half the page size). */
export const ALERT_READ_RETRIES = 2;

/** One page's replies, as ioredis' pipeline.exec() gives them: [error, value] per id. */
export type PageReader = (ids: readonly string[]) => Promise<readonly [Error | null, unknown][]>;

/** What could not be read: how many, why (the commonest reason first), a few of their ids. */
export interface UnreadAlerts {
  count: number;
  reason: string;
  /** True when every failure was a passing one (timeouts, connection): reading again may succeed. */
  retryable: boolean;
  sampleIds: string[];
}

export interface PagedRead {
  alerts: AlertState[];
  unread: UnreadAlerts | null;
}

const SAMPLE_IDS = 5;

/** Errors worth a second read: the command's deadline, a connection lost or not ready. */
export function isPassingError(error: Error): boolean {
  return /timed out|timeout|connection|ECONN|EPIPE|closed|not ready|writeable|LOADING|BUSY|TRYAGAIN/i.test(error.message);
}

type Failure = { id: string; reason: string; isPassing: boolean };

/** One reply as an alert state, or why it is not one. */
export function readReply(id: string, [error, value]: readonly [Error | null, unknown]): AlertState | Failure {
  if (error) return { id, reason: error.message, isPassing: isPassingError(error) };
  if (typeof value !== 'string') return { id, reason: 'listed in the index but its alert hash has no state (no "json" field)', isPassing: false };
  try {
    return JSON.parse(value) as AlertState;
  } catch {
    return { id, reason: 'its stored state is not valid JSON', isPassing: false };
  }
}

/** Splits ids into consecutive pages of at most `size`. */
export function pagesOf<T>(ids: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < ids.length; i += size) pages.push(ids.slice(i, i + size));
  return pages;
}

/**
 * Reads `ids` page by page with `read` (one page at a time); the result keeps the ids' order for
 * what was read. A page whose pipeline itself rejects counts each of its ids as failed with that
 * error.
 */
export async function readInPages(ids: readonly string[], read: PageReader, options: { pageSize?: number; retries?: number } = {}): Promise<PagedRead> {
  const retries = options.retries ?? ALERT_READ_RETRIES;
  let size = Math.max(1, options.pageSize ?? ALERT_PAGE_SIZE);
  const found = new Map<string, AlertState>();
  const lasting: Failure[] = [];
  let passing: Failure[] = [];
  let toRead: readonly string[] = ids;
  for (let pass = 0; pass <= retries && toRead.length; pass++) {
    passing = [];
    for (const page of pagesOf(toRead, size)) {
      let replies: readonly [Error | null, unknown][];
      try {
        replies = await read(page);
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        replies = page.map(() => [e, null] as [Error, null]);
      }
      page.forEach((id, i) => {
        const got = readReply(id, replies[i] ?? [new Error('no reply for this id in the pipeline'), null]);
        if (!('reason' in got)) found.set(id, got);
        else (got.isPassing ? passing : lasting).push(got);
      });
    }
    // Only passing failures are read again, in smaller pages; the others are reported as they are.
    toRead = passing.map((f) => f.id);
    size = Math.max(1, Math.floor(size / 2));
  }
  const alerts: AlertState[] = [];
  for (const id of ids) {
    const a = found.get(id);
    if (a) alerts.push(a);
  }
  return { alerts, unread: describeFailures([...lasting, ...passing]) };
}

/** The failures as one count and one line ("3 × Command timed out; 1 × WRONGTYPE …"). */
export function describeFailures(failures: readonly Failure[]): UnreadAlerts | null {
  if (!failures.length) return null;
  const byReason = new Map<string, number>();
  for (const f of failures) byReason.set(f.reason, (byReason.get(f.reason) ?? 0) + 1);
  const reasons = [...byReason.entries()].sort((a, b) => b[1] - a[1]);
  const reason = reasons.length === 1 ? reasons[0]![0] : reasons.map(([r, n]) => `${n.toLocaleString('en-US')} × ${r}`).join('; ');
  return { count: failures.length, reason, retryable: failures.every((f) => f.isPassing), sampleIds: failures.slice(0, SAMPLE_IDS).map((f) => f.id) };
}
