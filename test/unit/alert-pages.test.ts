import { describe, expect, it } from 'vitest';
import { describeFailures, isPassingError, pagesOf, readInPages, type PageReader } from '../../electron/core/alerts/alert-pages';

const state = (id: string) => JSON.stringify({ id, version: 1 });

/** A reader over a map of id → stored json, failing the ids `fail` says, and recording each page's size. */
function reader(fail: (id: string, call: number) => Error | null, sizes: number[] = []): PageReader {
  let call = 0;
  return async (ids) => {
    call++;
    sizes.push(ids.length);
    return ids.map((id) => {
      const error = fail(id, call);
      return error ? [error, null] : [null, state(id)];
    });
  };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);

describe('alert pages (issue 19: never drop an alert silently)', () => {
  it('splits into bounded pages', () => {
    expect(pagesOf(ids(5), 2)).toEqual([['a0', 'a1'], ['a2', 'a3'], ['a4']]);
    expect(pagesOf([], 2)).toEqual([]);
  });

  it('reads every id in pages no larger than the page size, in order', async () => {
    const sizes: number[] = [];
    const r = await readInPages(ids(1234), reader(() => null, sizes), { pageSize: 500 });
    expect(r.unread).toBeNull();
    expect(r.alerts.map((a) => a.id)).toEqual(ids(1234));
    expect(sizes).toEqual([500, 500, 234]);
  });

  it('reads timed-out ids again in smaller pages and keeps the order', async () => {
    const sizes: number[] = [];
    // The first page's last 100 time out on the first call only.
    const r = await readInPages(ids(1000), reader((id, call) => (call === 1 && Number(id.slice(1)) >= 400 ? new Error('Command timed out') : null), sizes), { pageSize: 500 });
    expect(r.unread).toBeNull();
    expect(r.alerts.map((a) => a.id)).toEqual(ids(1000));
    expect(sizes).toEqual([500, 500, 100]);
  });

  it('reports what still times out after the retries, as passing', async () => {
    const r = await readInPages(ids(10), reader((id) => (id === 'a3' || id === 'a7' ? new Error('Command timed out') : null)), { pageSize: 4, retries: 2 });
    expect(r.alerts).toHaveLength(8);
    expect(r.unread).toEqual({ count: 2, reason: 'Command timed out', retryable: true, sampleIds: ['a3', 'a7'] });
  });

  it('does not retry a lasting error, and names each reason with its count', async () => {
    let calls = 0;
    const read: PageReader = async (page) => {
      calls++;
      return page.map((id) => (id === 'a1' ? [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), null] : id === 'a2' ? [null, null] : id === 'a4' ? [null, '{not json'] : [null, state(id)]));
    };
    const r = await readInPages(ids(6), read, { pageSize: 10 });
    expect(calls).toBe(1);
    expect(r.alerts.map((a) => a.id)).toEqual(['a0', 'a3', 'a5']);
    expect(r.unread!.count).toBe(3);
    expect(r.unread!.retryable).toBe(false);
    expect(r.unread!.reason).toMatch(/1 × WRONGTYPE/);
    expect(r.unread!.reason).toMatch(/1 × .*no state/);
    expect(r.unread!.reason).toMatch(/1 × .*not valid JSON/);
  });

  it('a page whose pipeline rejects counts each of its ids, the other pages still read', async () => {
    let call = 0;
    const read: PageReader = async (page) => {
      if (++call === 2 || call === 4 || call === 5) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
      return page.map((id) => [null, state(id)] as [null, string]);
    };
    // Pages: [a0-a2] read, [a3-a5] rejects; again one by one: a3 read, a4 and a5 reject; the last pass reads both.
    const r = await readInPages(ids(6), read, { pageSize: 3, retries: 2 });
    expect(r.unread).toBeNull();
    expect(r.alerts.map((a) => a.id)).toEqual(ids(6));
  });

  it('mixes a lasting and a passing failure as not retryable', () => {
    const d = describeFailures([
      { id: 'x', reason: 'Command timed out', isPassing: true },
      { id: 'y', reason: 'Command timed out', isPassing: true },
      { id: 'z', reason: 'WRONGTYPE', isPassing: false },
    ]);
    expect(d).toEqual({ count: 3, reason: '2 × Command timed out; 1 × WRONGTYPE', retryable: false, sampleIds: ['x', 'y', 'z'] });
    expect(isPassingError(new Error('Command timed out'))).toBe(true);
    expect(isPassingError(new Error('WRONGTYPE Operation against a key'))).toBe(false);
  });
});
