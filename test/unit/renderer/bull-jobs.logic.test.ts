import { describe, expect, it } from 'vitest';
import type { BullJob } from '../../../shared/model/bull-jobs';
import { attemptsText, initialJobState, jobTimeText, stateCount } from '../../../renderer/src/features/queues/bull-jobs.logic';
import { dataLine, showValue } from '../../../renderer/src/components/payload-text';

const value = (preview: string, extra: Partial<BullJob['data']> = {}): BullJob['data'] => ({ size: preview.length, preview, encoding: 'text', truncated: false, isJson: true, ...extra });
const job = (extra: Partial<BullJob>): BullJob => ({
  id: '1', name: 'send', state: 'waiting', data: value('{}'), createdAt: 1_000, processedAt: null, finishedAt: null, dueAt: null, attemptsMade: 0, attempts: 1,
  priority: 0, stalledCount: 0, processedBy: null, failedReason: null, stacktrace: [], returnValue: null, progress: null, isMissing: false, ...extra,
});
const live = { name: 'q', waiting: 3, active: 0, delayed: 1, failed: 2, completed: 9, prioritized: 0, waitingChildren: 4, isPaused: false, isDeadLetter: false };

describe('BullMQ job list logic', () => {
  it('opens on failed jobs when there are any, otherwise on waiting ones', () => {
    expect(initialJobState(live)).toBe('failed');
    expect(initialJobState({ ...live, failed: 0 })).toBe('waiting');
    expect(initialJobState(null)).toBe('waiting');
  });

  it("reads each tab's count from the sampled queue (waiting-children from waitingChildren); unknown before a sample", () => {
    expect(stateCount(live, 'waiting-children')).toBe(4);
    expect(stateCount(live, 'completed')).toBe(9);
    expect(stateCount(null, 'failed')).toBeNull();
  });

  it('says when, in the words of the state, on the client clock', () => {
    expect(jobTimeText(job({ state: 'delayed', dueAt: 61_000 }), 1_000)).toBe('due in 1 min');
    expect(jobTimeText(job({ state: 'delayed', dueAt: 1_000 }), 6_000)).toBe('due 5.0 s ago');
    expect(jobTimeText(job({ state: 'failed', processedAt: 2_000, finishedAt: 2_250 }), 62_250)).toBe('failed 1 min ago, took 250 ms');
    expect(jobTimeText(job({ state: 'completed', finishedAt: 2_000 }), 2_500)).toBe('done 500 ms ago');
    expect(jobTimeText(job({ state: 'active', processedAt: 1_000 }), 31_000)).toBe('running for 30 s');
    expect(jobTimeText(job({}), 11_000)).toBe('added 10 s ago');
    expect(jobTimeText(job({ isMissing: true }), 11_000)).toBe('removed meanwhile');
  });

  it('shows attempts as "made of allowed" only when the job has retries', () => {
    expect(attemptsText({ attemptsMade: 2, attempts: 3 })).toBe('2 of 3');
    expect(attemptsText({ attemptsMade: 1, attempts: 1 })).toBe('1');
  });

  it('pretty-prints JSON data, marks text that is not JSON, binary and cut previews', () => {
    expect(showValue(value('{"a":1}'))).toBe('{\n  "a": 1\n}');
    expect(showValue(value('{oops', { isJson: false }))).toBe('{oops\n\n(not JSON: shown as stored)');
    expect(showValue(value('00ff', { encoding: 'hex', isJson: false, size: 2 }))).toBe('00ff\n\n(binary, shown as hex)');
    expect(showValue(value('{"a":', { truncated: true, size: 2 * 1024 * 1024 }))).toBe('{"a":\n\n(first 5 B of 2.0 MiB)');
  });

  it('makes a one-line data preview, whitespace folded, cut with an ellipsis', () => {
    expect(dataLine(value('{\n  "a": 1\n}'))).toBe('{ "a": 1 }');
    expect(dataLine(value('x'.repeat(200)), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(dataLine(value('00ff', { encoding: 'hex' }))).toBe('0x00ff');
  });
});
