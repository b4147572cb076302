import { describe, expect, it } from 'vitest';
import { jobFromHash } from '../../electron/core/brokers/bullmq/bull-jobs';
import { bullJobActions } from '../../shared/model/bull-jobs';

const hash = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Buffer.from(v)]));

describe('BullMQ job hashes read raw', () => {
  it("reads BullMQ 6's short field names and the long ones of older versions", () => {
    const short = jobFromHash('1', 'failed', hash({ name: 'send', data: '{"a":1}', atm: '3', stc: '1', pb: 'worker-a', timestamp: '1000', opts: '{"attempts":5}' }));
    expect(short).toMatchObject({ attemptsMade: 3, attempts: 5, stalledCount: 1, processedBy: 'worker-a', createdAt: 1000, isMissing: false });
    expect(jobFromHash('1', 'failed', hash({ attemptsMade: '2' })).attemptsMade).toBe(2);
  });

  it('gives the due time of a delayed job only, from its timestamp and delay', () => {
    const fields = hash({ timestamp: '1000', delay: '5000' });
    expect(jobFromHash('1', 'delayed', fields).dueAt).toBe(6000);
    expect(jobFromHash('1', 'waiting', fields).dueAt).toBeNull();
    expect(jobFromHash('1', 'delayed', hash({ timestamp: '1000', opts: '{"delay":20}' })).dueAt).toBe(1020);
  });

  it('keeps the newest stack traces first, at most 10, each cut at 4 KiB; a malformed trace list is empty, not an error', () => {
    const traces = Array.from({ length: 12 }, (_, i) => `Error ${i}${i === 11 ? 'x'.repeat(5000) : ''}`);
    const job = jobFromHash('1', 'failed', hash({ stacktrace: JSON.stringify(traces) }));
    expect(job.stacktrace).toHaveLength(10);
    expect(job.stacktrace[0]!.startsWith('Error 11')).toBe(true);
    expect(job.stacktrace[0]!.length).toBe(4097);
    expect(job.stacktrace[1]).toBe('Error 10');
    expect(jobFromHash('1', 'failed', hash({ stacktrace: '[not json' })).stacktrace).toEqual([]);
  });

  it('previews data as JSON, as text when it is not JSON, as hex when binary; huge data is cut', () => {
    expect(jobFromHash('1', 'waiting', hash({ data: '{"a":1}' })).data).toMatchObject({ isJson: true, encoding: 'text', truncated: false });
    expect(jobFromHash('1', 'waiting', hash({ data: '{oops' })).data).toMatchObject({ isJson: false, encoding: 'text', preview: '{oops' });
    expect(jobFromHash('1', 'waiting', { data: Buffer.from([0, 255, 1]) }).data).toMatchObject({ isJson: false, encoding: 'hex', preview: '00ff01' });
    const big = jobFromHash('1', 'waiting', hash({ data: JSON.stringify({ blob: 'y'.repeat(100_000) }) })).data;
    expect(big).toMatchObject({ truncated: true, size: 100_011 });
    expect(big.preview.length).toBe(16 * 1024);
  });

  it('says a job is missing when its hash is gone (removed between the listing and the read)', () => {
    expect(jobFromHash('7', 'completed', {})).toMatchObject({ id: '7', isMissing: true, name: '', attempts: 1, failedReason: null, returnValue: null });
  });

  it('offers the actions BullMQ allows in each state', () => {
    expect(bullJobActions('failed')).toEqual(['retry', 'remove']);
    expect(bullJobActions('completed')).toEqual(['retry', 'remove']);
    expect(bullJobActions('delayed')).toEqual(['promote', 'remove']);
    expect(bullJobActions('active')).toEqual([]);
    expect(bullJobActions('waiting')).toEqual(['remove']);
  });
});
