import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toCsv, toJsonl } from '../../shared/model/audit';
import { LocalAuditLog } from '../../electron/core/audit/local-audit-log';

describe('audit export', () => {
  it('quotes CSV cells with commas, quotes and newlines, and keeps formulas as text', () => {
    const csv = toCsv([{ a: 'x,y', b: 'say "hi"', c: '=HYPERLINK("evil")', d: { n: 1 } }, { a: 'line\nbreak' }], ['a', 'b', 'c', 'd']);
    expect(csv).toBe('a,b,c,d\n"x,y","say ""hi""","\'=HYPERLINK(""evil"")","{""n"":1}"\n"line\nbreak",,,\n');
  });
  it('writes one JSON object per line', () => {
    expect(toJsonl([{ a: 1 }, { b: 'x' }])).toBe('{"a":1}\n{"b":"x"}\n');
    expect(toJsonl([])).toBe('');
  });
});

describe('local audit log hash chain', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const entry = (n: number) => ({ at: n, who: 'ana', envId: 'e', envName: 'Local', action: 'alert.ack', target: `a${n}`, before: { v: n }, after: { v: n + 1 } });

  it('chains entries across restarts and detects a removed line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-audit-'));
    dirs.push(dir);
    const log = new LocalAuditLog(dir);
    await Promise.all([log.append(entry(1)), log.append(entry(2))]);
    const reopened = new LocalAuditLog(dir);
    const third = await reopened.append(entry(3));
    expect(third.seq).toBe(3);
    expect(await reopened.verify()).toEqual({ ok: true, entries: 3 });
    expect((await reopened.list(2)).map((e) => e.seq)).toEqual([3, 2]);
    const lines = readFileSync(log.file, 'utf8').trim().split('\n');
    writeFileSync(log.file, [lines[0], lines[2]].join('\n') + '\n');
    expect(await reopened.verify()).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
