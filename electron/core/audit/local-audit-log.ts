import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LocalAuditEntry, LocalAuditVerification } from '../../../shared/model/audit';

export type LocalAuditInput = Omit<LocalAuditEntry, 'seq' | 'prev' | 'hash'>;

const GENESIS = '0'.repeat(64);

/** The hash of one entry: SHA-256 over the previous hash and the entry's fields in a fixed order. */
export function entryHash(entry: Omit<LocalAuditEntry, 'hash'>): string {
  const { seq, at, who, envId, envName, action, target, before, after, reason, prev } = entry;
  return createHash('sha256')
    .update(JSON.stringify([prev, seq, at, who, envId, envName, action, target, before ?? null, after ?? null, reason ?? null]))
    .digest('hex');
}

/**
 * This console's own record of every action it took, one JSON line per action in
 * `audit.jsonl` under the config home. Each line carries the hash of the one before, so an edited,
 * removed or reordered line breaks the chain at that point (`verify`). Appends are serialised in
 * this process; the file is opened in append mode so a crash loses at most the line being written.
 */
export class LocalAuditLog {
  readonly file: string;
  private tail: Promise<void> = Promise.resolve();
  private last: { seq: number; hash: string } | null = null;

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
    const all = await this.readAll();
    const rows = beforeSeq === undefined ? all : all.filter((e) => e.seq < beforeSeq);
    return rows.slice(-count).reverse();
  }

  /** Recomputes the chain; reports the first entry that does not match. */
  async verify(): Promise<LocalAuditVerification> {
    const all = await this.readAll();
    let prev = GENESIS;
    let seq = 0;
    for (const entry of all) {
      const { hash, ...rest } = entry;
      if (entry.prev !== prev || entry.seq !== seq + 1 || entryHash(rest) !== hash) {
        return { ok: false, entries: all.length, brokenAt: entry.seq, message: `the chain breaks at entry ${entry.seq}: it was edited, removed or reordered` };
      }
      prev = hash;
      seq = entry.seq;
    }
    return { ok: true, entries: all.length };
  }

  private async readAll(): Promise<LocalAuditEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const out: LocalAuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as LocalAuditEntry);
      } catch {
        // A torn last line (crash mid-write) is skipped; verify() then flags the gap if it was not last.
      }
    }
    return out;
  }

  private async readLast(): Promise<{ seq: number; hash: string }> {
    const all = await this.readAll();
    const last = all[all.length - 1];
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS };
  }
}
