import { describe, expect, it } from 'vitest';
import { maskDeadLetter } from '../../electron/core/masking';
import type { DeadLetterEntry } from '../../shared/model/dead-letter';
import { appendLineage, capText, lineageChain, LINEAGE_LIMITS, parseLineage, ReplayLineage, type StoredStep } from '../../shared/model/replay-lineage';

const step = (n: number, over: Partial<StoredStep> = {}): StoredStep => ({
  dlq: 'orders.dlq',
  dlq_id: `${n}-0`,
  dlq_origin_stream: 'orders',
  dlq_origin_id: `${100 + n}-0`,
  dlq_origin_group: 'router',
  dlq_error: `failure ${n}`,
  dlq_attempts: '3',
  dlq_failed_at: `2026-12-07T10:0${n % 10}:00.000Z`,
  replayed_at: `2026-12-07T11:0${n % 10}:00.000Z`,
  replayed_by: n % 2 ? 'ana (ana)' : 'ben (ben)',
  ...over,
});

describe('replay lineage (issue 20)', () => {
  it('appends one step per replay, oldest first, never overwriting the earlier ones', () => {
    const once = appendLineage(null, step(1));
    const twice = appendLineage(once, step(2, { replay_job: 'job-7' }));
    const lineage = parseLineage(twice);
    expect(ReplayLineage.parse(lineage)).toEqual(lineage);
    expect(lineage.omitted).toBe(0);
    expect(lineage.notes).toEqual([]);
    expect(lineage.steps.map((s) => [s.dlqId, s.error, s.attempts, s.replayedBy, s.job])).toEqual([
      ['1-0', 'failure 1', 3, 'ana (ana)', null],
      ['2-0', 'failure 2', 3, 'ben (ben)', 'job-7'],
    ]);
    // Written in a fixed key order, so a raw XRANGE reads the same way every time.
    expect(once).toBe(
      '[{"dlq":"orders.dlq","dlq_id":"1-0","dlq_origin_stream":"orders","dlq_origin_id":"101-0","dlq_origin_group":"router","dlq_error":"failure 1","dlq_attempts":"3","dlq_failed_at":"2026-12-07T10:01:00.000Z","replayed_at":"2026-12-07T11:01:00.000Z","replayed_by":"ana (ana)"}]',
    );
  });

  it('keeps the last 20 steps and says how many were cut', () => {
    let value: string | null = null;
    for (let n = 1; n <= 25; n++) value = appendLineage(value, step(n));
    const lineage = parseLineage(value!);
    expect(lineage.steps).toHaveLength(LINEAGE_LIMITS.maxSteps);
    expect(lineage.omitted).toBe(5);
    expect(lineage.steps[0]!.dlqId).toBe('6-0');
    expect(lineage.steps.at(-1)!.dlqId).toBe('25-0');
    expect(lineageChain(lineage, null)[0]).toMatchObject({ kind: 'note', text: '5 earlier steps cut (the last 20 are kept)' });
  });

  it('keeps a malformed earlier value as a note instead of failing or dropping it', () => {
    const value = appendLineage('{not json', step(1));
    const lineage = parseLineage(value);
    expect(lineage.notes).toEqual(['earlier lineage unreadable, kept as text: {not json']);
    expect(lineage.steps.map((s) => s.dlqId)).toEqual(['1-0']);
    expect(parseLineage('"a string"').notes[0]).toMatch(/not a list/);
    expect(parseLineage('oops').notes[0]).toMatch(/not JSON/);
    // Elements it does not understand are notes, the rest is still read.
    const mixed = parseLineage(JSON.stringify([42, { dlq: 'x.dlq', dlq_id: '1-0', dlq_attempts: 'many' }]));
    expect(mixed.notes).toEqual(['a lineage step was not understood: 42']);
    expect(mixed.steps[0]).toMatchObject({ dlq: 'x.dlq', attempts: null, error: null, replayedBy: null, isEdited: false });
  });

  it('cuts long reasons on a character boundary', () => {
    const long = 'é'.repeat(LINEAGE_LIMITS.maxTextBytes); // 2 bytes each
    const cut = capText(long);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBe(LINEAGE_LIMITS.maxTextBytes / 2 + 1);
    expect(capText('short')).toBe('short');
  });

  it('tells the chain: original → dead-lettered (why) → replayed (who, when, job) → dead-lettered again', () => {
    const lineage = parseLineage(appendLineage(appendLineage(null, step(1)), step(2, { replay_job: 'job-7', dlq_origin_id: '555-0' })));
    const chain = lineageChain(lineage, { originStream: 'orders', originId: '777-0', originGroup: 'router', error: 'timeout', attempts: 5, failedAt: '2026-12-07T12:00:00.000Z' });
    expect(chain.map((l) => l.text)).toEqual([
      'original orders/101-0',
      'dead-lettered 2026-12-07T10:01:00.000Z to orders.dlq (failure 1, 3 attempts, group router)',
      'replayed 2026-12-07T11:01:00.000Z by ana (ana)',
      'dead-lettered again 2026-12-07T10:02:00.000Z to orders.dlq (failure 2, 3 attempts, group router)',
      'replayed 2026-12-07T11:02:00.000Z by ben (ben) [job job-7]',
      'dead-lettered again 2026-12-07T12:00:00.000Z (timeout, 5 attempts, group router)',
    ]);
    // A first dead letter: its own origin and dead-lettering only.
    expect(lineageChain(undefined, { originStream: 'orders', originId: '9-0', originGroup: null, error: null, attempts: 1, failedAt: null }).map((l) => l.text)).toEqual(['original orders/9-0', 'dead-lettered (time unknown) (no error recorded, 1 attempt)']);
  });

  it('masks the earlier reasons like the error: they may quote the payload', () => {
    const lineage = parseLineage(appendLineage('broken secret', step(1, { dlq_error: 'bad card 4111 1111' })));
    const entry: DeadLetterEntry = { id: '1-0', originStream: 'orders', originGroup: null, originId: null, error: 'card 4111 again', attempts: 1, failedAt: null, replayCount: 1, lineage, ageMs: 0, payload: null, fields: {} };
    const hide = (text: string) => text.replace(/4111 1111|4111|secret/g, '•••');
    maskDeadLetter(entry, { text: hide, named: (_name, text) => hide(text), binary: () => '•••' });
    expect(entry.error).toBe('card ••• again');
    expect(entry.lineage!.steps[0]!.error).toBe('bad card •••');
    expect(entry.lineage!.notes).toEqual(['earlier lineage unreadable, kept as text: broken •••']);
  });
});
