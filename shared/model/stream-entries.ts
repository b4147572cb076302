import { z } from 'zod';
import { compareIds } from './stream-ids';

/** One field of a stream entry as the console shows it: the bytes as text, or hex when they are not text. */
export const StreamEntryField = z.object({
  name: z.string(),
  /** Size of the whole value in bytes. */
  size: z.number(),
  preview: z.string(),
  encoding: z.enum(['text', 'hex']),
  /** True when the preview is cut at the page's preview limit. */
  truncated: z.boolean(),
  /** The preview is the plaintext of an AES-256-GCM payload, opened with the environment's key. */
  decrypted: z.boolean().optional(),
  /** Encrypted, and the key did not open it: the preview is the stored envelope. */
  decryptError: z.string().optional(),
});
export type StreamEntryField = z.infer<typeof StreamEntryField>;

/** One entry of a stream (RedisInsight's stream browser): id, time from the id, every field. */
export const StreamEntry = z.object({
  id: z.string(),
  /** Epoch ms from the entry id (the time it was added, by the server's clock). */
  at: z.number(),
  /** Fields in stream order, at most `STREAM_ENTRY_LIMITS.maxFields`. */
  fields: z.array(StreamEntryField),
  /** How many fields the entry has; more than `fields.length` when the list was cut. */
  fieldCount: z.number(),
  /** Bytes of all names and values. */
  size: z.number(),
});
export type StreamEntry = z.infer<typeof StreamEntry>;

export const StreamEntriesPage = z.object({
  stream: z.string(),
  /** XLEN when the page was read. */
  length: z.number(),
  order: z.enum(['newest', 'oldest']),
  entries: z.array(StreamEntry),
  /**
   * Exclusive cursor for the next page in the same order; null at the end. A page can end before
   * `count` entries when its previews reach the byte budget: the cursor then says where to go on.
   */
  nextAfter: z.string().nullable(),
});
export type StreamEntriesPage = z.infer<typeof StreamEntriesPage>;

export const STREAM_ENTRY_LIMITS = {
  /** Fields listed per entry; an entry with more says how many it has. */
  maxFields: 200,
  /** Preview bytes a page carries at most (the first entry always comes whole, up to its preview limit). */
  pageBudgetBytes: 1024 * 1024,
  /** Largest preview per field one call may ask for (one entry opened). */
  maxPreviewBytes: 256 * 1024,
} as const;

/**
 * Where to start reading from what an analyst types: an entry id (`1700000000000-3`), a bare
 * millisecond time (`1700000000000`, Redis reads it as `…-0` or `…-max`), or a date and time the
 * browser can parse (`2026-12-06 14:03:00`, local time; `…Z` for UTC). Null when it is none of these.
 */
export function parseStreamPosition(text: string, parseDate: (s: string) => number = (s) => Date.parse(s.includes('T') || !/\d:\d/.test(s) ? s : s.replace(' ', 'T'))): string | null {
  const t = text.trim();
  if (/^\d+-\d+$/.test(t)) return t;
  if (/^\d{10,16}$/.test(t)) return t;
  if (t === '') return null;
  const ms = parseDate(t);
  return Number.isFinite(ms) && ms >= 0 ? String(ms) : null;
}

/** Which consumer groups have not been delivered this entry yet (id after their last-delivered id). */
export function unreadBy(entryId: string, groups: readonly { name: string; lastDeliveredId: string }[]): string[] {
  return groups.filter((g) => compareIds(entryId, g.lastDeliveredId) > 0).map((g) => g.name);
}
