import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { entryHash, LocalAuditLog } from '../../electron/core/audit/local-audit-log';
import type { LocalAuditEntry } from '../../shared/model/audit';
import { round, summarize } from './stats';

const ENTRIES = 1_000_000;
/** The Audit view's page (renderer/src/features/alerts/audit-screen.tsx polls `audit.local` with count 2000). */
const PAGE = 2000;
const POLLS = 30;
/** Actions the console takes between two polls. */
const APPENDS_PER_POLL = 3;

const input = (n: number) => ({ at: 1_700_000_000_000 + n * 1000, who: 'Night Shift (ana)', envId: 'env-prod', envName: 'Prod', action: n % 3 ? 'alert.ack' : 'dlq.replay', target: `alert-${n}`, before: { state: 'open', version: 1 }, after: { state: 'acknowledged', version: 2 } });

/** Writes a valid chain of `count` entries straight to the file (the log's own appends would take minutes). */
async function writeChain(file: string, count: number): Promise<void> {
  const out = createWriteStream(file, { mode: 0o600 });
  let prev = '0'.repeat(64);
  let batch: string[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const base = { ...input(seq), seq, prev };
    const entry: LocalAuditEntry = { ...base, hash: entryHash(base) };
    batch.push(JSON.stringify(entry));
    prev = entry.hash;
    if (batch.length === 10_000 || seq === count) {
      if (!out.write(batch.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      batch = [];
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** The raw baseline: read the file's last page straight off the disk and parse it — no chain check. */
async function rawLastPage(file: string, pageBytes: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, pageBytes);
    const buffer = Buffer.allocUnsafe(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    let parsed = 0;
    for (let i = lines.length - 2; i > 0 && parsed < PAGE; i--, parsed++) JSON.parse(lines[i]!);
    return parsed;
  } finally {
    await handle.close();
  }
}

/**
 * Issue 19: the Audit view's poll of the local hash-chained log at 1,000,000 entries — the newest
 * page of 2,000 plus the chain check, as the `audit.local` handler runs them (checkpointed: only
 * what was appended since the last poll is hashed) — against reading the same page raw from the
 * file's tail, same run. The full verify (at start / on demand) is reported beside.
 */
export async function benchAuditLog(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-bench-audit-'));
  try {
    const log = new LocalAuditLog(dir);
    const t0 = performance.now();
    await writeChain(log.file, ENTRIES);
    const writeMs = performance.now() - t0;
    const fileBytes = statSync(log.file).size;
    const pageBytes = Math.ceil((fileBytes / ENTRIES) * (PAGE + 2));

    const t1 = performance.now();
    const first = await log.verify();
    const fullVerifyMs = performance.now() - t1;
    if (!first.ok || first.entries !== ENTRIES) throw new Error(`full verify: ${JSON.stringify(first)}`);

    const product: number[] = [];
    const raw: number[] = [];
    let seq = ENTRIES;
    for (let poll = 0; poll < POLLS; poll++) {
      for (let i = 0; i < APPENDS_PER_POLL; i++) await log.append(input(++seq));
      const a = performance.now();
      const [entries, verification] = await Promise.all([log.list(PAGE), log.verify()]);
      product.push(performance.now() - a);
      if (!verification.ok || entries.length !== PAGE || entries[0]!.seq !== seq) throw new Error(`poll ${poll}: ${JSON.stringify(verification)} ${entries[0]?.seq}`);
      const b = performance.now();
      if ((await rawLastPage(log.file, pageBytes)) < PAGE - 1) throw new Error('raw page short');
      raw.push(performance.now() - b);
    }
    const p = summarize(product);
    const r = summarize(raw);
    return {
      bench: 'audit-log',
      entries: ENTRIES,
      fileMB: round(fileBytes / 1024 / 1024, 1),
      page: PAGE,
      polls: POLLS,
      appendsPerPoll: APPENDS_PER_POLL,
      poll: p,
      rawLastPage: r,
      ratio: round(p.medianMs / r.medianMs, 2),
      fullVerifyMs: round(fullVerifyMs, 0),
      writeMs: round(writeMs, 0),
      goal: 'poll (newest page + chain check) < 50 ms at 1,000,000 entries',
      isGoalMet: p.p95Ms < 50,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
