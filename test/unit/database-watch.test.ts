import { describe, expect, it } from 'vitest';
import { DatabaseWatch, schemaNote, type DatabaseProbe } from '../../electron/core/monitor/database-watch';
import { describeDatabase } from '../../renderer/src/features/overview/database-section';

describe('database watch', () => {
  it('says what a schema state means', () => {
    expect(schemaNote(3, 3)).toBeNull();
    expect(schemaNote(null, 3)).toMatch(/no schema yet.*--only event-store/);
    expect(schemaNote(5, 3)).toMatch(/v5 is newer than this console knows \(v3\).*refuse/);
    expect(schemaNote(2, 3)).toMatch(/v2.*bring it to v3/);
  });

  it('connecting until the first answer, connected with schema and storage, down with the named failure, back up; a change is pushed, a repeat is not', async () => {
    let now = 1000;
    let answer: DatabaseProbe | Error = new Error('ECONNREFUSED');
    const watch = new DatabaseWatch(
      async () => {
        if (answer instanceof Error) throw answer;
        return answer;
      },
      (error) => ({ kind: 'refused', message: `db refused: ${(error as Error).message}` }),
      { now: () => now },
      3,
    );
    let pushes = 0;
    watch.onChange(() => pushes++);
    expect(watch.snapshot()).toMatchObject({ status: { state: 'connecting', since: 1000 }, schemaVersion: null, storage: null, checkedAt: null });
    now = 2000;
    await watch.check();
    expect(watch.snapshot()).toMatchObject({ status: { state: 'disconnected', since: 2000, failure: { kind: 'refused', message: 'db refused: ECONNREFUSED' } }, checkedAt: null });
    now = 3000;
    await watch.check();
    expect(watch.snapshot().status.since).toBe(2000);
    expect(pushes).toBe(1);
    answer = { version: 3, storage: 'postgresql' };
    now = 4000;
    await watch.check();
    expect(watch.snapshot()).toEqual({ status: { state: 'connected', since: 4000 }, schemaVersion: 3, knownVersion: 3, storage: 'postgresql', note: null, checkedAt: 4000 });
    expect(pushes).toBe(2);
    answer = { version: 4, storage: 'postgresql' };
    now = 5000;
    await watch.check();
    expect(watch.snapshot()).toMatchObject({ status: { state: 'connected', since: 4000 }, schemaVersion: 4, note: expect.stringMatching(/newer/) });
    watch.stop();
  });
});

describe('the card’s database line', () => {
  const up = { status: { state: 'connected' as const, since: 1 }, schemaVersion: 3, knownVersion: 3, storage: 'postgresql' as const, note: null, checkedAt: 1 };
  it('names the schema, the storage and who runs retention; nothing while down', () => {
    expect(describeDatabase(up, false)).toBe('schema v3 · plain PostgreSQL · retention by this console: events and scans 30 d, metrics 7 d');
    expect(describeDatabase(up, true)).toBe('schema v3 · plain PostgreSQL · retention left to a console that may write');
    expect(describeDatabase({ ...up, schemaVersion: 8, storage: 'timescaledb' }, false)).toBe('schema v8 · TimescaleDB hypertables · retention policies: events 30 d, metrics 7 d; the rest by this console');
    expect(describeDatabase({ ...up, schemaVersion: 8, storage: 'timescaledb' }, true)).toBe('schema v8 · TimescaleDB hypertables · retention policies: events 30 d, metrics 7 d; the rest left to a console that may write');
    expect(describeDatabase({ ...up, schemaVersion: null, storage: 'timescaledb-unused' }, false)).toBe('TimescaleDB installed after the schema, plain tables · retention by this console: events and scans 30 d, metrics 7 d');
    expect(describeDatabase({ ...up, status: { state: 'disconnected', since: 2 } }, false)).toBeNull();
  });
});
