import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { REDIS_URL, deleteKeys, uniqueNamespace } from '../helpers/brokers';
import { createTestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';
import { round, summarize } from './stats';

const BIG = 1_000_000;
const ROUNDS = 200;
/** A seed 000 security event with something of every default rule in it: IPs in raw_data, credentials, an e-mail, a token. */
const PAYLOAD = JSON.stringify({
  id: 'evt-0000000000000000000000000000',
  timestamp: '2026-12-07T10:00:00.000Z',
  organization_id: 'org-1',
  asset_id: 'asset-42',
  event_type: 'threat_detected',
  severity: 'high',
  source: 'edr',
  title: 'Suspicious login',
  description: 'y'.repeat(200),
  metadata: { sensor: 'edr-7', relay: '10.20.30.40' },
  tags: ['login', 'bench'],
  correlation_id: 'corr-1',
  raw_data: { src_ip: '10.1.2.3', dst_ip: '192.168.7.9', user: 'ana@corp.example.com', credentials: { user: 'svc', password: 'hunter2' }, auth: 'Bearer abcdefghijklmnopqrstuvwxyz' },
});

/**
 * Issue 20: masking on the DLQ page path adds < 10 % to the first page of a 1,000,000-entry DLQ.
 * The product's `dlq.list` through the dispatcher on two environments over the same stream, one
 * with the default masks and one with masking off, interleaved in the same run; pages of 50 (the
 * CLI's default) and 200 (the DLQ view's page).
 */
export async function benchMasking(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-mask');
  const redis = new Redis(REDIS_URL);
  const dlq = `${ns}security.events.dlq`;
  const t = await createTestCore(ns, { amqp: null, managementUrl: null }, { shouldValidateResults: false });
  try {
    // Both sides are environments added alike (the test core's own one also runs the alert engine's
    // polls on its connection, which made its pages slower than the other's, masked or not).
    const off = await t.core.call('environments.add', { name: `off ${ns}`, namespace: ns, redis: { url: REDIS_URL }, masking: { paths: [], values: [] } });
    if (!off.ok) throw new Error(off.error.message);
    const on = await t.core.call('environments.add', { name: `masked ${ns}`, namespace: ns, redis: { url: REDIS_URL } });
    if (!on.ok) throw new Error(on.error.message);
    const maskedId = on.value.id;
    await t.core.startRuntimes([t.envId, off.value.id, maskedId]);
    await waitFor(() => t.core.runtime(maskedId).redis?.isReady && t.core.runtime(off.value.id).redis?.isReady, 'connected');
    for (let done = 0; done < BIG; done += 10_000) {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 10_000; i++) pipeline.xadd(dlq, '*', 'data', PAYLOAD, 'dlq_origin_stream', `${ns}security.events`, 'dlq_error', 'schema: bench', 'dlq_attempts', '3');
      await pipeline.exec();
    }
    const sample = await t.core.call('dlq.list', { envId: maskedId, source: dlq, count: 1 });
    const isMasked = sample.ok && !sample.value.entries[0]!.payload!.preview.includes('hunter2');
    const result: Record<string, unknown> = { bench: 'masking', entries: await redis.xlen(dlq), isMasked };
    for (const count of [50, 200]) {
      const masked: number[] = [];
      const cold: number[] = [];
      const plain: number[] = [];
      for (let i = 0; i < ROUNDS + 5; i++) {
        // Alternate which goes first, so neither always gets the warmer cache.
        const order = i % 2 === 0 ? (['warm', 'cold', 'plain'] as const) : (['plain', 'cold', 'warm'] as const);
        for (const run of order) {
          // Cold: nothing remembered, every preview masked now (a page nobody has opened yet).
          if (run === 'cold') t.core.masker.clearCache();
          const started = performance.now();
          const page = await t.core.call('dlq.list', { envId: run === 'plain' ? off.value.id : maskedId, source: dlq, count });
          const ms = performance.now() - started;
          if (!page.ok || page.value.entries.length !== count) throw new Error('page failed');
          if (i >= 5) (run === 'warm' ? masked : run === 'cold' ? cold : plain).push(ms);
        }
      }
      // Each round's masked and unmasked pages were read back to back: the median of their ratios is steadier on a busy machine.
      const paired = (series: number[]) => round(summarize(series.map((ms, k) => ms / plain[k]!)).medianMs, 3);
      // The mask step alone on one unmasked page (no Redis, no dispatcher): what masking adds, free of the brokers' noise.
      const sourcePage = await t.core.call('dlq.list', { envId: off.value.id, source: dlq, count });
      if (!sourcePage.ok) throw new Error(sourcePage.error.message);
      const step: number[] = [];
      const stepCold: number[] = [];
      // The same step on a page whose payloads differ (each its own event id, as in a real DLQ; the
      // stream's entries are all one payload, so a "cold" page above masks one text and remembers it
      // for the other entries): distinct cold is every preview masked now, distinct warm the page re-read.
      const stepDistinct: number[] = [];
      const stepDistinctCold: number[] = [];
      const distinct = (seq: number | null) => {
        const copy = structuredClone(sourcePage.value);
        copy.entries.forEach((e, k) => {
          const id = `evt-${String(seq === null ? k : (seq + 1) * 1000 + k).padStart(28, '0')}`;
          e.payload!.preview = e.payload!.preview.replace('evt-0000000000000000000000000000', id);
        });
        return copy;
      };
      for (let i = 0; i < ROUNDS + 5; i++) {
        for (const kind of ['warm', 'cold', 'distinct', 'distinctCold'] as const) {
          const copy = kind === 'distinct' ? distinct(null) : kind === 'distinctCold' ? distinct(i) : structuredClone(sourcePage.value);
          if (kind === 'cold') t.core.masker.clearCache();
          // Re-read: the same page was just read (a cold round clears what the last round remembered).
          if (kind === 'distinct') t.core.masker.outbound('dlq.list', { envId: maskedId }, distinct(null));
          const started = performance.now();
          t.core.masker.outbound('dlq.list', { envId: maskedId }, copy);
          if (i >= 5) (kind === 'warm' ? step : kind === 'cold' ? stepCold : kind === 'distinct' ? stepDistinct : stepDistinctCold).push(performance.now() - started);
        }
      }
      const m = summarize(masked);
      const c = summarize(cold);
      const p = summarize(plain);
      result[`page${count}`] = {
        // Masked: the first page read again (refresh, reopen), its previews remembered; cold: the first time.
        masked: m,
        maskedCold: c,
        unmasked: p,
        ratio: round(m.medianMs / p.medianMs, 3),
        ratioCold: round(c.medianMs / p.medianMs, 3),
        maskStep: summarize(step),
        maskStepCold: summarize(stepCold),
        maskStepDistinct: summarize(stepDistinct),
        maskStepDistinctCold: summarize(stepDistinctCold),
        stepShare: round(summarize(step).medianMs / p.medianMs, 3),
        stepShareCold: round(summarize(stepCold).medianMs / p.medianMs, 3),
        stepShareDistinct: round(summarize(stepDistinct).medianMs / p.medianMs, 3),
        stepShareDistinctCold: round(summarize(stepDistinctCold).medianMs / p.medianMs, 3),
        pairedRatio: paired(masked),
        pairedRatioCold: paired(cold),
        // The slow tail: a page's p95 masked over unmasked (retention trims of this DLQ may run in Redis meanwhile, on both sides alike).
        p95Ratio: round(m.p95Ms / p.p95Ms, 3),
        goal: 'masked / unmasked < 1.10',
      };
    }
    // The seed retention (security.events.dlq: 10,000 entries) may trim this DLQ, oldest first, while the bench runs: what it held at the end.
    result.entriesAfter = await redis.xlen(dlq);
    return result;
  } finally {
    await t.close();
    await deleteKeys(redis, ns);
    redis.disconnect();
  }
}
