import type { Redis } from 'ioredis';
import type { EvidenceItem } from '../../../shared/contract/method-groups/alerts';
import type { AlertState } from '../../../shared/model/alerts';
import { previewOf } from '../brokers/payload-preview';
import type { EventHistory } from '../database/event-history';
import type { Logger } from '../ports';

/** How far back each stream is searched, entries. */
export const EVIDENCE_SCAN_PER_STREAM = 5000;
const MAX_STREAMS = 64;
const MAX_ITEMS = 200;
const PREVIEW_BYTES = 16 * 1024;

/**
 * The evidence of an alert: entries of the environment's streams (dead-letter streams included)
 * whose payload carries the alert's correlation id, or the triggering event's id. Bounded: the
 * newest {@link EVIDENCE_SCAN_PER_STREAM} entries of at most 64 streams, all in one pipeline.
 */
export async function findEvidence(
  redis: Redis,
  alert: AlertState,
  streams: { name: string; isDeadLetter: boolean }[],
): Promise<{ correlationId: string | null; items: EvidenceItem[]; scannedPerStream: number; streams: number }> {
  const eventId = typeof alert.metadata.event_id === 'string' ? alert.metadata.event_id : null;
  const needles = [alert.correlationId, eventId].filter((v): v is string => !!v);
  const chosen = streams.filter((s) => !s.name.endsWith('watchfloor:audit')).slice(0, MAX_STREAMS);
  if (!needles.length) return { correlationId: null, items: [], scannedPerStream: 0, streams: 0 };
  const pipe = redis.pipeline();
  for (const s of chosen) pipe.xrevrangeBuffer(s.name, '+', '-', 'COUNT', EVIDENCE_SCAN_PER_STREAM);
  const replies = (await pipe.exec()) ?? [];
  const items: EvidenceItem[] = [];
  const buffers = needles.map((n) => Buffer.from(n));
  replies.forEach(([error, reply], i) => {
    if (error || !Array.isArray(reply)) return;
    const stream = chosen[i]!;
    for (const [idBuf, fields] of reply as [Buffer, Buffer[]][]) {
      if (items.length >= MAX_ITEMS) return;
      const hit = fields.some((f) => buffers.some((b) => f.includes(b)));
      if (!hit) continue;
      const payload = Buffer.concat(fields.length === 2 ? [fields[1]!] : fields.flatMap((f, j) => (j % 2 === 0 ? [f, Buffer.from('=')] : [f, Buffer.from(' ')])));
      const preview = previewOf(payload, PREVIEW_BYTES);
      let isTrigger = false;
      if (eventId && !stream.isDeadLetter) {
        try {
          isTrigger = (JSON.parse(payload.toString('utf8')) as { id?: unknown }).id === eventId;
        } catch {
          isTrigger = false;
        }
      }
      items.push({ stream: stream.name, id: idBuf.toString(), isDeadLetter: stream.isDeadLetter, isTrigger, preview: preview.preview, truncated: preview.truncated });
    }
  });
  items.sort((a, b) => Number(b.isTrigger) - Number(a.isTrigger));
  return { correlationId: alert.correlationId ?? eventId, items, scannedPerStream: EVIDENCE_SCAN_PER_STREAM, streams: chosen.length };
}

/**
 * Falls back to the stored events (issue 17) when the streams no longer hold the triggering event
 * (trimmed, or older than the scan): adds what the database has of the alert's correlation id that
 * the streams did not show. A database that cannot answer leaves the stream evidence as it is.
 */
export async function withStoredEvidence(
  found: Awaited<ReturnType<typeof findEvidence>>,
  alert: AlertState,
  history: EventHistory | null,
  logger: Logger,
): Promise<Awaited<ReturnType<typeof findEvidence>>> {
  if (!history || found.items.some((item) => item.isTrigger)) return found;
  const eventId = typeof alert.metadata.event_id === 'string' ? alert.metadata.event_id : null;
  try {
    const shown = new Set(found.items.map((item) => item.id));
    const stored = (await history.evidence(alert.correlationId ?? null, eventId)).filter((item) => !shown.has(item.id));
    const items = [...found.items, ...stored].slice(0, MAX_ITEMS).sort((a, b) => Number(b.isTrigger) - Number(a.isTrigger));
    return { ...found, correlationId: found.correlationId ?? alert.correlationId ?? eventId, items };
  } catch (error) {
    logger.warn(`alert evidence: the stored events could not be read: ${(error as Error).message}`);
    return found;
  }
}
