import { describe, expect, it } from 'vitest';
import { leakVerdict, newNames, summarize } from '../leaks/leak-verdict';

const snapshot = (...names: string[]) => ({ names: new Set(names), skipped: [] as string[] });

describe('leak check verdict', () => {
  it('only names that appeared and stayed count; what was there before or went away does not', () => {
    expect(newNames(new Set(['redis key a', 'redis key gone']), new Set(['redis key a', 'redis key new']))).toEqual(['redis key new']);
    const verdict = leakVerdict({ label: 'integration', before: snapshot('redis key a'), after: snapshot('redis key a'), otherRuns: [] });
    expect(verdict).toMatchObject({ status: 'clean', leaked: [] });
    expect(verdict.lines[0]).toBe('leak check (integration): nothing left behind (1 names compared)');
  });

  it('alone on the brokers, anything new fails the run, listed by name', () => {
    const verdict = leakVerdict({ label: 'e2e', before: snapshot(), after: snapshot('rabbitmq queue / leftover', 'redis key plain'), otherRuns: [] });
    expect(verdict.status).toBe('leaked');
    expect(verdict.lines[0]).toContain('left 2 thing(s)');
    expect(verdict.lines.slice(1)).toEqual(['  rabbitmq queue / leftover', '  redis key plain']);
  });

  it('another run on the same brokers makes it a warning: their names cannot be told from ours', () => {
    const verdict = leakVerdict({ label: 'integration', before: snapshot(), after: snapshot('redis key x'), otherRuns: ['e2e, pid 42 on ci, since 10:00:00 UTC'] });
    expect(verdict.status).toBe('not-exact');
    expect(verdict.lines[0]).toContain('pid 42');
    expect(verdict.lines[0]).toContain('not failing');
  });

  it('a leaking test shows as one line per kind and namespace, with an example', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `redis key cli-dd7808d1:security.s${String(i).padStart(2, '0')}`);
    expect(summarize([...keys, 'redis key other', 'rabbitmq queue / cli-dd7808d1:metrics_queue'])).toEqual([
      'rabbitmq queue / cli-dd7808d1:metrics_queue',
      'redis key cli-dd7808d1:* (40, e.g. cli-dd7808d1:security.s00)',
      'redis key other',
    ]);
  });

  it('says what could not be compared', () => {
    const verdict = leakVerdict({ label: 'integration', before: { names: new Set(), skipped: ['PostgreSQL: refused'] }, after: snapshot(), otherRuns: [] });
    expect(verdict.lines).toContain('  not compared: PostgreSQL: refused');
  });
});
