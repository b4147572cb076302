import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalAuditLog } from '../../electron/core/audit/local-audit-log';

const entry = (n: number) => ({ at: 1_700_000_000_000 + n, who: 'ana (ana)', envId: 'e', envName: 'Local', action: 'alert.ack', target: `alert-${String(n).padStart(6, '0')}`, before: { state: 'open', note: 'x'.repeat(100) }, after: { state: 'acknowledged' } });

/** Rewrites one line of the log in place, keeping its length (a careful tamperer). */
function tamper(file: string, seq: number): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(`"seq":${seq},`));
  lines[index] = lines[index]!.replace('"acknowledged"', '"ACKNOWLEDGED"');
  writeFileSync(file, lines.join('\n'));
}

/**
 * The local audit log verified from a checkpoint (issue 19): the first verify hashes the whole
 * chain, later ones only what was appended; rewrites and truncation show as a broken chain.
 */
describe('local audit log: incremental verification from a checkpoint', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const fresh = async (count: number) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-audit-cp-'));
    dirs.push(dir);
    const log = new LocalAuditLog(dir);
    for (let n = 1; n <= count; n++) await log.append(entry(n));
    return log;
  };

  it('verifies entries appended after the checkpoint, and finds a bad one among them', async () => {
    const log = await fresh(5);
    expect(await log.verify()).toEqual({ ok: true, entries: 5 });
    for (let n = 6; n <= 8; n++) await log.append(entry(n));
    expect(await log.verify()).toEqual({ ok: true, entries: 8 });
    for (let n = 9; n <= 12; n++) await log.append(entry(n));
    tamper(log.file, 10); // after the checkpoint (8): the incremental check hashes it
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 10, message: expect.stringContaining('entry 10') });
    // The verdict stays on later polls.
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 10 });
  });

  it('a tampered entry before the checkpoint is found by the full verify (on demand and at start)', async () => {
    const log = await fresh(8);
    expect(await log.verify()).toEqual({ ok: true, entries: 8 });
    tamper(log.file, 3);
    // Same length, checkpoint line untouched: the incremental check does not re-read entry 3 …
    expect(await log.verify()).toEqual({ ok: true, entries: 8 });
    // … the full one does.
    expect(await log.verifyFull()).toMatchObject({ ok: false, brokenAt: 3 });
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 3 });
    // A console started on the tampered file verifies it whole on its first call.
    expect(await new LocalAuditLog(path.dirname(log.file)).verify()).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('detects truncation at a line boundary, where what is left still chains', async () => {
    const log = await fresh(8);
    expect(await log.verify()).toEqual({ ok: true, entries: 8 });
    const lines = readFileSync(log.file, 'utf8').split('\n');
    truncateSync(log.file, Buffer.byteLength(lines.slice(0, 5).join('\n') + '\n'));
    expect(await log.verify()).toMatchObject({ ok: false, entries: 5, brokenAt: 6, message: expect.stringMatching(/truncated.*ends at entry 5.*up to 8/) });
  });

  it('detects the checkpoint entry itself being rewritten, and a file replaced by another', async () => {
    const log = await fresh(6);
    expect(await log.verify()).toEqual({ ok: true, entries: 6 });
    tamper(log.file, 6);
    expect(await log.verify()).toMatchObject({ ok: false, brokenAt: 6 });

    const other = await fresh(6);
    expect(await other.verify()).toEqual({ ok: true, entries: 6 });
    // A different, self-consistent chain of the same length put in its place (new inode).
    const replacement = await fresh(0);
    for (let n = 1; n <= 6; n++) await replacement.append({ ...entry(n), target: `forged-${n}` });
    rmSync(other.file);
    writeFileSync(other.file, readFileSync(replacement.file));
    expect(await other.verify()).toMatchObject({ ok: false, brokenAt: 6, message: expect.stringContaining('rewritten') });
  });

  it('a torn last line (crash mid-write) is neither listed nor verified, and the chain goes on', async () => {
    const log = await fresh(3);
    expect(await log.verify()).toEqual({ ok: true, entries: 3 });
    appendFileSync(log.file, '{"at":17000000,"who":"an');
    expect(await log.verify()).toEqual({ ok: true, entries: 3 });
    expect((await log.list(10)).map((e) => e.seq)).toEqual([3, 2, 1]);
  });

  it('lists the newest page and pages back by sequence number through a file larger than a read chunk', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-audit-page-'));
    dirs.push(dir);
    // 3,000 entries (~1 MB): written directly with the log's own appends would be slow; one log writes them.
    const log = new LocalAuditLog(dir);
    await Promise.all(Array.from({ length: 3000 }, (_, i) => log.append(entry(i + 1))));
    expect(await log.verify()).toEqual({ ok: true, entries: 3000 });
    expect((await log.list(4)).map((e) => e.seq)).toEqual([3000, 2999, 2998, 2997]);
    expect((await log.list(3, 1500)).map((e) => e.seq)).toEqual([1499, 1498, 1497]);
    expect((await log.list(5, 3)).map((e) => e.seq)).toEqual([2, 1]);
    expect(await log.list(5, 1)).toEqual([]);
    expect((await log.list(2, 99_999)).map((e) => e.seq)).toEqual([3000, 2999]);
    const page = await log.list(2000);
    expect(page).toHaveLength(2000);
    expect(page[1999]!.seq).toBe(1001);
    // A reopened log continues the chain from the file's last line.
    const reopened = new LocalAuditLog(dir);
    expect((await reopened.append(entry(3001))).seq).toBe(3001);
    expect(await log.verify()).toEqual({ ok: true, entries: 3001 });
  });
});
