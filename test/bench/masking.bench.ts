import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { REDIS_URL, deleteKeys, uniqueNamespace } from '../helpers/brokers';
import { createTestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';
import { round, summarize } from './stats';

const BIG = 1_000_000;
const ROUNDS = 200;
/**
 * A seed 000 security event with something of every default rule in it: IPs in raw_data and
 * metadata, credentials, an e-mail, a token; every one its own (event id, time, asset, addresses,
 * user, token), as the entries of a real DLQ are: a page read for the first time masks each payload
 * anew (identical payloads were masked once and remembered for the rest of the page).
 */
const payloadOf = (i: number) => {
  const hex = i.toString(16).padStart(12, '0');
  return JSON.stringify({
    id: `6f1c2d3e-4b5a-4c6d-8e7f-${hex}`,
    timestamp: new Date(Date.UTC(2026, 11, 7, 10) + i * 1000).toISOString(),
    organization_id: 'b7e0c1d2-3a4b-4c5d-9e6f-000000000001',
    asset_id: `a55e7000-0000-4000-8000-${(i % 5000).toString(16).padStart(12, '0')}`,
    event_type: 'threat_detected',
    severity: ['low', 'medium', 'high', 'critical'][i % 4],
    source: 'edr',
    title: 'Suspicious login',
    description: `Login of user${i % 9973} from an address never seen for this account. `.repeat(3),
    metadata: { sensor: `edr-${i % 17}`, relay: `10.20.${(i >> 8) & 255}.${i & 255}` },
    tags: ['login', 'bench'],
    correlation_id: `c0bb0000-0000-4000-8000-${hex}`,
    raw_data: {
      src_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      dst_ip: `192.168.${i % 251}.${i % 241}`,
      user: `user${i}@corp.example.com`,
      credentials: { user: `svc-${i % 31}`, password: `hunter2-${hex}` },
      auth: `Bearer tok${hex}abcdefghijklmnop`,
    },
  });
};

/**
 * Issue 20: masking on the DLQ page path adds < 10 % to the first page of a 1,000,000-entry DLQ.
 * The product's `dlq.list` through the dispatcher on two environments over the same stream, one
 * with the default masks and one with masking off, interleaved in the same run; pages of 50 (the
 * CLI's default) and 200 (the DLQ view's page).
 */
export async function benchMasking(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-mask');
  const redis = new Redis(REDIS_URL);
  // A seed DLQ no retention rule covers (dlq-retention.ts trims security.events.dlq to 10,000 and
  // security.notifications.priority.dlq to 1,000 entries; the bench's 1,000,000 must stay).
  const dlq = `${ns}security.alerts.dlq`;
  const t = await createTestCore(ns, { amqp: null, managementUrl: null }, { shouldValidateResults: false });
  try {
    // Both sides are environments added alike (the test core's own one also runs the alert engine's
    // polls on its connection, which made its pages slower than the other's, masked or not).
    const off = await t.core.call('environments.add', { name: `off ${ns}`, namespace: ns, redis: { url: REDIS_URL }, masking: { paths: [], values: [] } });
    if (!off.ok) throw new Error(off.error.message);
    const on = await t.core.call('environments.add', { name: `masked ${ns}`, namespace: ns, redis: { url: REDIS_URL } });
    if (!on.ok) throw new Error(on.error.message);
    const maskedId = on.value.id;
    const plainId = off.value.id;
    await t.core.startRuntimes([t.envId, plainId, maskedId]);
    await waitFor(() => t.core.runtime(maskedId).redis?.isReady && t.core.runtime(plainId).redis?.isReady, 'connected');
    for (let done = 0; done < BIG; done += 10_000) {
      const pipeline = redis.pipeline();
      for (let i = done; i < done + 10_000; i++) pipeline.xadd(dlq, '*', 'data', payloadOf(i), 'dlq_origin_stream', `${ns}security.alerts`, 'dlq_error', 'schema: bench', 'dlq_attempts', '3');
      await pipeline.exec();
    }
    const sample = await t.core.call('dlq.list', { envId: maskedId, source: dlq, count: 1 });
    const preview = sample.ok ? sample.value.entries[0]!.payload!.preview : '';
    const isMasked = sample.ok && !preview.includes('hunter2') && !preview.includes('@corp.example.com') && !preview.includes('Bearer');
    const result: Record<string, unknown> = { bench: 'masking', entries: await redis.xlen(dlq), isMasked };
    for (const count of [50, 200]) {
      t.core.masker.clearCache();
      const series = { warm: [] as number[], cold: [] as number[], plain: [] as number[], fresh: [] as number[], freshPlain: [] as number[] };
      // Fresh pages: each round reads the page after the last round's, never read before by either
      // side (masked first on even rounds, unmasked first on odd ones), masks remembered meanwhile.
      let after: string | undefined;
      const read = async (envId: string, cursor?: string) => {
        const started = performance.now();
        const page = await t.core.call('dlq.list', { envId, source: dlq, count, ...(cursor ? { after: cursor } : {}) });
        const ms = performance.now() - started;
        if (!page.ok || page.value.entries.length !== count) throw new Error('page failed');
        return { ms, next: page.value.nextAfter };
      };
      for (let i = 0; i < ROUNDS + 5; i++) {
        // Alternate which goes first, so neither always gets the warmer caches.
        const order = i % 2 === 0 ? (['warm', 'cold', 'plain', 'fresh', 'freshPlain'] as const) : (['freshPlain', 'fresh', 'plain', 'cold', 'warm'] as const);
        let next: string | null = null;
        for (const run of order) {
          // Cold: the first page with nothing remembered, every preview masked now (a DLQ nobody has opened yet).
          if (run === 'cold') t.core.masker.clearCache();
          const isFresh = run === 'fresh' || run === 'freshPlain';
          const page = await read(run === 'plain' || run === 'freshPlain' ? plainId : maskedId, isFresh ? after : undefined);
          if (isFresh) next = page.next;
          if (i >= 5) series[run].push(page.ms);
        }
        after = next ?? undefined;
      }
      // Each round's masked and unmasked pages were read back to back: the median of their ratios is steadier on a busy machine.
      const paired = (masked: number[], plain: number[]) => round(summarize(masked.map((ms, k) => ms / plain[k]!)).medianMs, 3);
      // The mask step alone on one unmasked page (no Redis, no dispatcher): what masking adds, free of the brokers' noise.
      const sourcePage = await t.core.call('dlq.list', { envId: plainId, source: dlq, count });
      if (!sourcePage.ok) throw new Error(sourcePage.error.message);
      const step: number[] = [];
      const stepCold: number[] = [];
      for (let i = 0; i < ROUNDS + 5; i++) {
        for (const kind of ['warm', 'cold'] as const) {
          const copy = structuredClone(sourcePage.value);
          // Cold: every payload of the page masked now; warm: the page re-read (the last round remembered it).
          if (kind === 'cold') t.core.masker.clearCache();
          const started = performance.now();
          t.core.masker.outbound('dlq.list', { envId: maskedId }, copy);
          if (i >= 5) (kind === 'warm' ? step : stepCold).push(performance.now() - started);
        }
      }
      const [m, c, p, f, fp] = [series.warm, series.cold, series.plain, series.fresh, series.freshPlain].map(summarize) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>, ReturnType<typeof summarize>, ReturnType<typeof summarize>, ReturnType<typeof summarize>];
      result[`page${count}`] = {
        // The headline: the first page read for the first time (cold), and a page never read before
        // further down (fresh, the cache full of other pages); then the first page read again (re-read).
        pairedRatioCold: paired(series.cold, series.plain),
        pairedRatioFresh: paired(series.fresh, series.freshPlain),
        pairedRatioReread: paired(series.warm, series.plain),
        ratioCold: round(c.medianMs / p.medianMs, 3),
        ratioFresh: round(f.medianMs / fp.medianMs, 3),
        ratioReread: round(m.medianMs / p.medianMs, 3),
        // The slow tail: a page's p95 masked over unmasked.
        p95RatioCold: round(c.p95Ms / p.p95Ms, 3),
        p95RatioReread: round(m.p95Ms / p.p95Ms, 3),
        reread: m,
        cold: c,
        unmasked: p,
        fresh: f,
        freshUnmasked: fp,
        maskStepCold: summarize(stepCold),
        maskStepReread: summarize(step),
        stepShareCold: round(summarize(stepCold).medianMs / p.medianMs, 3),
        stepShareReread: round(summarize(step).medianMs / p.medianMs, 3),
        goal: 'masked / unmasked < 1.10',
      };
    }
    // No retention covers this DLQ: it still holds every entry.
    result.entriesAfter = await redis.xlen(dlq);
    return result;
  } finally {
    await t.close();
    await deleteKeys(redis, ns);
    redis.disconnect();
  }
}
