import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LocalAuditEntry, LocalAuditVerification } from '../../../shared/model/audit';
import { boundaryBefore, forEachLine, linesBackwards, readRange, statOrNull, type FileLine } from './audit-file';

export type LocalAuditInput = Omit<LocalAuditEntry, 'seq' | 'prev' | 'hash'>;

const GENESIS = '0'.repeat(64);

/** The hash of one entry: SHA-256 over the previous hash and the entry's fields in a fixed order. */
export function entryHash(entry: Omit<LocalAuditEntry, 'hash'>): string {
  const { seq, at, who, envId, envName, action, target, before, after, reason, prev } = entry;
  return createHash('sha256')
    .update(JSON.stringify([prev, seq, at, who, envId, envName, action, target, before ?? null, after ?? null, reason ?? null]))
    .digest('hex');
}

/** The last entry a verification reached: where its line sits, so the next one starts after it. */
type Checkpoint = { seq: number; hash: string; lineStart: number; offset: number; entries: number; inode: number };

function parseEntry(text: string): LocalAuditEntry | null {
  if (!text.trim()) return null;
  try {
    return JSON.parse(text) as LocalAuditEntry;
  } catch {
    // A torn line (crash mid-write) is skipped; the chain then breaks at the next entry if it was not last.
    return null;
  }
}

/** Whether `entry` follows (prev hash, seq) and its own hash is right. */
function follows(entry: LocalAuditEntry, prev: string, seq: number): boolean {
  const { hash, ...rest } = entry;
  return entry.prev === prev && entry.seq === seq + 1 && entryHash(rest) === hash;
}

const chainBreak = (entries: number, seq: number): LocalAuditVerification => ({ ok: false, entries, brokenAt: seq, message: `the chain breaks at entry ${seq}: it was edited, removed or reordered` });

/**
 * This console's own record of every action it took, one JSON line per action in
 * `audit.jsonl` under the config home. Each line carries the hash of the one before, so an edited,
 * removed or reordered line breaks the chain at that point (`verify`). Appends are serialised in
 * this process; the file is opened in append mode so a crash loses at most the line being written.
 *
 * The Audit view polls every 2 s and the log grows without bound (issue 19: a million entries), so
 * nothing here reads the whole file on a poll. The first `verify()` (at start) and `verifyFull()`
 * (on demand) re-hash everything and leave a checkpoint: the byte offset, sequence number and hash
 * of the last verified entry. Each later `verify()` re-reads the checkpoint's own line (it must be
 * unchanged) and hashes only the lines appended after it. A file shorter than the checkpoint, a
 * different file (inode), or a changed checkpoint line is a rewrite: a full verify then says where
 * the chain breaks — or, if what is left chains well, that entries the checkpoint had seen are gone.
 * A rewrite before the checkpoint that keeps its line and the length is found by the full verify
 * only. A broken verdict stays until a full verify finds the chain whole again. `list` reads the
 * file's tail backwards (and bisects by sequence number to page back), never the whole file.
 */
export class LocalAuditLog {
  readonly file: string;
  private tail: Promise<void> = Promise.resolve();
  private last: { seq: number; hash: string } | null = null;
  private checkpoint: Checkpoint | null = null;
  private broken: LocalAuditVerification | null = null;
  private verifications: Promise<unknown> = Promise.resolve();

  constructor(home: string) {
    this.file = path.join(home, 'audit.jsonl');
  }

  /** Appends one entry and returns it with its sequence number and hash. */
  append(input: LocalAuditInput): Promise<LocalAuditEntry> {
    const run = this.tail.then(async () => {
      if (!this.last) this.last = await this.readLast();
      const base = { ...input, seq: this.last.seq + 1, prev: this.last.hash };
      const entry: LocalAuditEntry = { ...base, hash: entryHash(base) };
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.appendFile(this.file, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', mode: 0o600 });
      this.last = { seq: entry.seq, hash: entry.hash };
      return entry;
    });
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The newest `count` entries, newest first, optionally before a sequence number. */
  async list(count = 200, beforeSeq?: number): Promise<LocalAuditEntry[]> {
    const stat = await statOrNull(this.file);
    if (!stat) return [];
    const seqOf = (text: string) => parseEntry(text)?.seq ?? null;
    const end = beforeSeq === undefined ? stat.size : await boundaryBefore(this.file, stat.size, beforeSeq, seqOf);
    const out: LocalAuditEntry[] = [];
    await linesBackwards(this.file, end, count, (line) => {
      const entry = parseEntry(line.text);
      if (!entry || (beforeSeq !== undefined && entry.seq >= beforeSeq)) return false;
      out.push(entry);
      return true;
    });
    return out;
  }

  /** The chain's state: a full check the first time, then only what was appended since the checkpoint. */
  verify(): Promise<LocalAuditVerification> {
    return this.serially(async () => this.broken ?? (this.checkpoint ? this.verifyIncrementally(this.checkpoint) : this.verifyWhole()));
  }

  /** Recomputes the whole chain (on demand); reports the first entry that does not match. */
  verifyFull(): Promise<LocalAuditVerification> {
    return this.serially(() => this.verifyWhole());
  }

  private serially(run: () => Promise<LocalAuditVerification>): Promise<LocalAuditVerification> {
    const result = this.verifications.then(run);
    this.verifications = result.catch(() => undefined);
    return result;
  }

  private async verifyIncrementally(checkpoint: Checkpoint): Promise<LocalAuditVerification> {
    const stat = await statOrNull(this.file);
    if (!stat || stat.ino !== checkpoint.inode || stat.size < checkpoint.offset) return this.verifyWhole();
    const line = await readRange(this.file, checkpoint.lineStart, checkpoint.offset);
    const entry = line === null ? null : parseEntry(line);
    if (!entry || entry.seq !== checkpoint.seq || entry.hash !== checkpoint.hash || !line!.endsWith('\n') || entryHash(withoutHash(entry)) !== entry.hash) return this.verifyWhole();
    let verdict: LocalAuditVerification | null = null;
    let reached = checkpoint;
    await forEachLine(this.file, checkpoint.offset, (next: FileLine) => {
      const appended = parseEntry(next.text);
      if (!appended) return true;
      if (!follows(appended, reached.hash, reached.seq)) {
        verdict = chainBreak(reached.entries + 1, appended.seq);
        return false;
      }
      reached = { seq: appended.seq, hash: appended.hash, lineStart: next.start, offset: next.end, entries: reached.entries + 1, inode: checkpoint.inode };
      return true;
    });
    this.checkpoint = reached;
    if (verdict) return (this.broken = verdict);
    return { ok: true, entries: reached.entries };
  }

  private async verifyWhole(): Promise<LocalAuditVerification> {
    const known = this.checkpoint;
    const stat = await statOrNull(this.file);
    if (!stat) {
      if (!known || known.entries === 0) return this.settle({ ok: true, entries: 0 }, null);
      return this.settle({ ok: false, entries: 0, brokenAt: 1, message: `the log file is gone: ${known.entries} entries were verified before (the last was ${known.seq})` }, known);
    }
    let reached: Checkpoint = { seq: 0, hash: GENESIS, lineStart: 0, offset: 0, entries: 0, inode: stat.ino };
    let verdict: LocalAuditVerification | null = null;
    await forEachLine(this.file, 0, (line) => {
      const entry = parseEntry(line.text);
      if (!entry) return true;
      if (!follows(entry, reached.hash, reached.seq)) verdict = chainBreak(reached.entries + 1, entry.seq);
      else if (known && entry.seq === known.seq && entry.hash !== known.hash) {
        verdict = { ok: false, entries: reached.entries + 1, brokenAt: entry.seq, message: `the log was rewritten: entry ${entry.seq} is not the one verified before (its hash changed)` };
      }
      if (verdict) return false;
      reached = { seq: entry.seq, hash: entry.hash, lineStart: line.start, offset: line.end, entries: reached.entries + 1, inode: stat.ino };
      return true;
    });
    if (!verdict && known && reached.seq < known.seq) {
      verdict = { ok: false, entries: reached.entries, brokenAt: reached.seq + 1, message: `the log was truncated: it ends at entry ${reached.seq}, but entries up to ${known.seq} were verified before (${known.seq - reached.seq} removed)` };
    }
    return verdict ? this.settle(verdict, known) : this.settle({ ok: true, entries: reached.entries }, reached);
  }

  /** Keeps a broken verdict (and the checkpoint that proves it) or the new checkpoint of a whole chain. */
  private settle(verdict: LocalAuditVerification, checkpoint: Checkpoint | null): LocalAuditVerification {
    this.checkpoint = checkpoint;
    this.broken = verdict.ok ? null : verdict;
    return verdict;
  }

  private async readLast(): Promise<{ seq: number; hash: string }> {
    let last: LocalAuditEntry | null = null;
    const stat = await statOrNull(this.file);
    if (stat) {
      await linesBackwards(this.file, stat.size, 1, (line) => {
        last = parseEntry(line.text);
        return last !== null;
      });
    }
    const found = last as LocalAuditEntry | null;
    return found ? { seq: found.seq, hash: found.hash } : { seq: 0, hash: GENESIS };
  }
}

function withoutHash(entry: LocalAuditEntry): Omit<LocalAuditEntry, 'hash'> {
  const { hash: _hash, ...rest } = entry;
  return rest;
}
