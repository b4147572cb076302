import type { StreamEntriesPage, StreamEntry } from '../../../../shared/model/stream-entries';
import { compareIds } from '../../../../shared/model/stream-ids';
import { dataLine } from '../../components/payload-text';

/** An entry's fields on one table line: `name=value …`, each value compact, the whole cut at `max`. */
export function entrySummary(entry: StreamEntry, max = 160): string {
  const parts = entry.fields.map((f) => `${f.name}=${dataLine(f, 80)}`);
  if (entry.fieldCount > entry.fields.length) parts.push(`… ${entry.fieldCount - entry.fields.length} more fields`);
  const text = parts.join('  ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The loaded entries whose id, a field name or a field value contains `text` (case-insensitive); all when empty. */
export function filterEntries(entries: readonly StreamEntry[], text: string): readonly StreamEntry[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return entries;
  return entries.filter((e) => e.id.includes(needle) || e.fields.some((f) => f.name.toLowerCase().includes(needle) || f.preview.toLowerCase().includes(needle)));
}

/**
 * Whether the stream has entries newer than the page shows, going by the overview's last entry id:
 * only meaningful on the first page, newest first (the others are history by choice).
 */
export function hasNewerEntries(page: StreamEntriesPage | null, lastEntryId: string | null, isFirstPage: boolean): boolean {
  if (!page || !isFirstPage || page.order !== 'newest' || lastEntryId === null) return false;
  const newest = page.entries[0];
  return newest === undefined ? true : compareIds(lastEntryId, newest.id) > 0;
}

/** What the list says when a page has no entries. */
export function emptyEntriesText(stream: string, isFirstPage: boolean, from: string | null, order: 'newest' | 'oldest'): string {
  if (!isFirstPage) return 'No more entries.';
  if (from !== null) return `No entry at or ${order === 'newest' ? 'before' : 'after'} ${from}.`;
  return `${stream} is empty: it exists, but holds no entries (trimmed, or nothing added yet).`;
}
