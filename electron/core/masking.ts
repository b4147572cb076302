import { CodedError } from '../../shared/contract/errors';
import type { MethodName, ResultOf } from '../../shared/contract/methods';
import type { DeadLetterEntry } from '../../shared/model/dead-letter';
import type { DlqMatch, DlqSearchStep } from '../../shared/model/dlq-search';
import { compileMasking, DEFAULT_MASKING, fieldSearchRefusal, maskLabel, maskNamedText, maskText, NO_MASKING, type Masking, type MaskingConfig } from '../../shared/model/masking';
import type { PubSubTailBatch } from '../../shared/model/pubsub';
import type { RabbitDeadLetter } from '../../shared/model/rabbit-dlq';
import type { StreamEntry } from '../../shared/model/stream-entries';
import type { BullJobValue } from '../../shared/model/bull-jobs';
import type { BullDeadJob } from '../../shared/model/bull-dlq';

/**
 * Where masking is applied: once, in the host, on the way out of the dispatcher (every transport:
 * window, browser, CLI) and of the pub/sub push. Each contract method whose result carries payload
 * text is listed in {@link PAYLOAD_METHODS} with how its result is masked; a unit test fails when a
 * method's result schema holds a preview that is not listed, so a new one cannot be forgotten.
 * Replays, edits and exports read the broker's bytes, never a masked preview.
 */

/** How the masking of one environment is looked up: its profile's setting (absent: the defaults). */
export interface MaskingSource {
  configOf(envId: string): MaskingConfig | null | undefined;
  /** The role in force (viewer, operator, admin). */
  roleOf(envId: string): 'viewer' | 'operator' | 'admin';
}

/**
 * `hint` (a DLQ or stream entry's id) never changes what a text masks to: it only tells the memory
 * of masked texts where to look first (see {@link MaskCache}).
 */
type Mask = (text: string, hint?: string) => string;
type MaskNamed = (name: string, text: string, hint?: string) => string;
interface Maskers {
  text: Mask;
  named: MaskNamed;
  /** A binary payload's hex: withheld whole (see {@link BINARY_MASK}). */
  binary: Mask;
}

/**
 * What a binary payload's hex shows while the environment masks anything. Rules cannot be applied
 * to bytes reliably: hex is undone by anyone, and the bytes may be JSON with one control character,
 * UTF-16, or compressed text a reader inflates offline — so no rule "cannot match" them. Withheld
 * whole, for every role; the audited reveal shows the hex.
 */
export const BINARY_MASK = maskLabel('binary payload');
export const BINARY_RULE = 'binary payload';

/** An alert evidence item carries no encoding: a hex preview is told by its shape (a text of hex digit pairs is withheld too: the safe side). */
const isHexPreview = (preview: string) => preview.length >= 2 && preview.length % 2 === 0 && /^[0-9a-f]+$/.test(preview);

const maskPayloadPreview = <T extends { preview: string; encoding: 'text' | 'hex' }>(payload: T, m: Maskers): T => ({ ...payload, preview: payload.encoding === 'text' ? m.text(payload.preview) : m.binary(payload.preview) });

const maskFields = (fields: Record<string, string>, m: Maskers): Record<string, string> =>
  Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, m.named(name, value)]));

/**
 * A Redis dead letter: the payload and every other field; the error text too (a consumer may quote
 * the payload). In place, as the stream entry's: these run per entry of every page, and a handler's
 * answer is made for this one call (the reveal masks a copy).
 */
export function maskDeadLetter(entry: DeadLetterEntry, m: Maskers): DeadLetterEntry {
  if (entry.error !== null) entry.error = m.text(entry.error);
  // The lineage's reasons are earlier errors, and may quote the payload just the same.
  if (entry.lineage) {
    for (const step of entry.lineage.steps) if (step.error !== null) step.error = m.text(step.error);
    entry.lineage.notes = entry.lineage.notes.map((note) => m.text(note));
  }
  if (entry.payload) entry.payload.preview = entry.payload.encoding === 'text' ? m.text(entry.payload.preview, entry.id) : m.binary(entry.payload.preview);
  for (const name in entry.fields) entry.fields[name] = m.named(name, entry.fields[name]!, entry.id);
  return entry;
}

export function maskStreamEntry(entry: StreamEntry, m: Maskers): StreamEntry {
  for (const f of entry.fields) f.preview = f.encoding === 'text' ? m.named(f.name, f.preview, entry.id) : m.binary(f.preview);
  return entry;
}

export const maskRabbitDeadLetter = (message: RabbitDeadLetter, m: Maskers): RabbitDeadLetter => ({
  ...message,
  consumerError: message.consumerError === null ? null : m.text(message.consumerError),
  payload: maskPayloadPreview(message.payload, m),
  headers: maskFields(message.headers, m),
});

/** A BullMQ dead job (failed, or in a `{queue}-dlq` queue): its data and the reason (it may quote the data). */
export const maskBullDeadJob = (job: BullDeadJob, m: Maskers): BullDeadJob => ({ ...job, data: m.text(job.data), failedReason: job.failedReason === null ? null : m.text(job.failedReason) });

const maskBullValue = (value: BullJobValue, m: Maskers): BullJobValue => maskPayloadPreview(value, m);

/** Every method whose result carries payload text, and how it is masked. */
export const PAYLOAD_METHODS: { [M in MethodName]?: (result: ResultOf<M>, m: Maskers) => ResultOf<M> } = {
  'dlq.list': (r, m) => {
    for (const e of r.entries) maskDeadLetter(e, m);
    return r;
  },
  'dlq.show': (r, m) => maskDeadLetter(r, m),
  // dlq-search.ts matches on the bytes; what it answers is masked here, at the boundary.
  'dlq.search': (r, m) => ({ ...r, matches: r.matches.map((e) => maskDeadLetter(e, m)) }),
  'dlq.groups': (r, m) => ({ ...r, byError: r.byError.map((g) => ({ ...g, key: m.text(g.key), example: m.text(g.example) })) }),
  'dlq.bullList': (r, m) => r.map((job) => maskBullDeadJob(job, m)),
  'dlq.rabbitBrowse': (r, m) => ({ ...r, messages: r.messages.map((msg) => maskRabbitDeadLetter(msg, m)) }),
  'streams.entries': (r, m) => {
    for (const e of r.entries) maskStreamEntry(e, m);
    return r;
  },
  'bullmq.jobs': (r, m) => ({
    ...r,
    jobs: r.jobs.map((job) => ({ ...job, data: maskBullValue(job.data, m), returnValue: job.returnValue ? maskBullValue(job.returnValue, m) : null, failedReason: job.failedReason === null ? null : m.text(job.failedReason) })),
  }),
  'alerts.evidence': (r, m) => ({ ...r, items: r.items.map((item) => ({ ...item, preview: isHexPreview(item.preview) ? m.binary(item.preview) : m.text(item.preview) })) }),
  'events.search': (r, m) => ({ ...r, events: r.events.map((e) => ({ ...e, title: m.text(e.title) })) }),
};

/**
 * Methods that answer the original bytes on purpose and are therefore kept from a viewer of an
 * environment that masks: an export is for re-import and must stay byte-identical.
 */
export const ORIGINAL_BYTES_METHODS: readonly MethodName[] = ['dlq.export'];

/** Characters (names, texts, masked texts, hints) remembered per environment; masking is a pure function of the text and the rules. */
const CACHE_CHARS = 16 * 1024 * 1024;
/** Short texts (errors, small fields) are masked directly: cheaper than a lookup. */
const CACHE_MIN_TEXT = 128;
/** Longer texts are masked each time (a few per page at most; they would crowd the cache out). */
const CACHE_MAX_TEXT = 64 * 1024;
/** Texts remembered under one hint at most (an entry's payload and its fields); the others are found by their whole text. */
const CACHE_PER_HINT = 64;
/** What one hint's place is counted as, beyond its characters. */
const HINT_COST = 32;

interface Remembered {
  readonly name: string | null;
  readonly text: string;
  readonly masked: string;
  /** The hints it is also found under. */
  readonly hints: string[];
}

/**
 * Remembers what a text (or a named field's text) masked to, oldest out first: the first page of a
 * DLQ or a stream is read again and again (refresh, reopen, another window), and its entries never
 * change. A hit is the same name and the same text, compared whole.
 *
 * Each text is kept once, by its whole text (the same payload in many entries is masked once). A
 * caller that knows where a text comes from gives a hint (a DLQ or stream entry's id), and the text
 * is found again under it first: a Map keyed by a fresh 600-character preview spends most of the
 * mask step hashing every character of it, once per entry of every page (issue 20 bench), where the
 * hint is a short id and the text is then compared (the hint never decides the answer: an id met
 * again with another text, another stream's, is just a miss there).
 */
export class MaskCache {
  private readonly texts = new Map<string, Remembered>();
  /** Named fields, by name and text. */
  private readonly named = new Map<string, Map<string, Remembered>>();
  private readonly byHint = new Map<string, Remembered[]>();
  /** Oldest first from `head` (the ones before it are gone). */
  private order: Remembered[] = [];
  private head = 0;
  private chars = 0;

  constructor(private readonly maxChars = CACHE_CHARS) {}

  get(name: string | null, text: string, compute: () => string, hint?: string): string {
    if (text.length > CACHE_MAX_TEXT || text.length < CACHE_MIN_TEXT) return compute();
    let hinted: Remembered[] | undefined;
    if (hint !== undefined) {
      hinted = this.byHint.get(hint);
      if (hinted) for (const r of hinted) if (r.text === text && r.name === name) return r.masked;
    }
    const byText = name === null ? this.texts : this.named.get(name);
    let r = byText?.get(text);
    if (!r) {
      r = { name, text, masked: compute(), hints: [] };
      if (byText) byText.set(text, r);
      else this.named.set(name!, new Map([[text, r]]));
      this.order.push(r);
      this.chars += (name?.length ?? 0) + text.length + r.masked.length;
    }
    if (hint !== undefined && (hinted?.length ?? 0) < CACHE_PER_HINT) {
      if (hinted) hinted.push(r);
      else this.byHint.set(hint, [r]);
      r.hints.push(hint);
      this.chars += hint.length + HINT_COST;
    }
    const masked = r.masked;
    while (this.chars > this.maxChars && this.head < this.order.length) this.forget(this.order[this.head++]!);
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    return masked;
  }

  /** How many texts are remembered, and under how many hints (tests). */
  get size(): { texts: number; hints: number } {
    return { texts: this.order.length - this.head, hints: this.byHint.size };
  }

  clear(): void {
    this.texts.clear();
    this.named.clear();
    this.byHint.clear();
    this.order = [];
    this.head = 0;
    this.chars = 0;
  }

  private forget(r: Remembered): void {
    this.chars -= (r.name?.length ?? 0) + r.text.length + r.masked.length;
    if (r.name === null) this.texts.delete(r.text);
    else {
      const byText = this.named.get(r.name)!;
      byText.delete(r.text);
      if (byText.size === 0) this.named.delete(r.name);
    }
    for (const hint of r.hints) {
      this.chars -= hint.length + HINT_COST;
      const hinted = this.byHint.get(hint)!;
      const at = hinted.indexOf(r);
      if (at >= 0) hinted.splice(at, 1);
      if (hinted.length === 0) this.byHint.delete(hint);
    }
  }
}

/** Applies each environment's masking to what leaves the host. */
export class PayloadMasker {
  private readonly compiled = new Map<string, { key: string; masking: Masking; maskers: Maskers | null; cache: MaskCache }>();

  constructor(private readonly source: MaskingSource) {}

  /** The compiled rules of an environment (cached until its setting changes). */
  maskingOf(envId: string): Masking {
    let config: MaskingConfig | null | undefined;
    try {
      config = this.source.configOf(envId);
    } catch {
      return NO_MASKING;
    }
    const effective = config === undefined ? DEFAULT_MASKING : (config ?? { paths: [], values: [] });
    const key = JSON.stringify(effective);
    const cached = this.compiled.get(envId);
    if (cached?.key === key) return cached.masking;
    const masking = compileMasking(effective);
    const cache = new MaskCache();
    const maskers: Maskers | null = masking.isActive
      ? {
          text: (t, hint) => cache.get(null, t, () => maskText(t, masking).text, hint),
          named: (n, t, hint) => cache.get(n, t, () => maskNamedText(n, t, masking).text, hint),
          binary: (hex) => (hex === '' ? hex : BINARY_MASK),
        }
      : null;
    this.compiled.set(envId, { key, masking, maskers, cache });
    return masking;
  }

  /** The maskers of one environment, or null when it masks nothing. */
  maskersOf(envId: string): Maskers | null {
    this.maskingOf(envId);
    return this.compiled.get(envId)?.maskers ?? null;
  }

  /** Forgets every remembered text (the benchmark's cold runs). */
  clearCache(): void {
    for (const entry of this.compiled.values()) entry.cache.clear();
  }

  /** Which rules hide something in what `mask` would mask (the reveal's audit entry names them). */
  hiddenBy(envId: string, mask: (m: Maskers) => unknown): string[] {
    const masking = this.maskingOf(envId);
    if (!masking.isActive) return [];
    const hits = new Set<string>();
    const note = (o: { text: string; masked: string[] }) => {
      for (const h of o.masked) hits.add(h);
      return o.text;
    };
    mask({
      text: (t) => note(maskText(t, masking)),
      named: (n, t) => note(maskNamedText(n, t, masking)),
      binary: (hex) => note(hex === '' ? { text: hex, masked: [] } : { text: BINARY_MASK, masked: [BINARY_RULE] }),
    });
    return [...hits];
  }

  /** What a call answers after masking (the dispatcher's last step); unlisted methods pass unchanged. */
  outbound(method: MethodName, params: Record<string, unknown>, value: unknown): unknown {
    const envId = typeof params.envId === 'string' ? params.envId : undefined;
    if (!envId) return value;
    if (ORIGINAL_BYTES_METHODS.includes(method)) {
      if (this.maskersOf(envId) && this.source.roleOf(envId) === 'viewer') {
        throw new CodedError('UNAUTHORIZED', `this environment masks payload fields and ${method} carries the original bytes: it needs an operator or admin`);
      }
      return value;
    }
    if (method === 'dlq.search' && this.source.roleOf(envId) === 'viewer') {
      const maskers = this.maskersOf(envId);
      if (maskers) return this.viewerSearch(envId, params.match as DlqMatch, value as DlqSearchStep, maskers);
    }
    const apply = PAYLOAD_METHODS[method] as ((result: unknown, m: Maskers) => unknown) | undefined;
    if (!apply) return value;
    const maskers = this.maskersOf(envId);
    return maskers ? apply(value, maskers) : value;
  }

  /**
   * A viewer's DLQ search where fields are masked: the search runs on the stored bytes, so what it
   * matches could tell what the masks hide. A field search on a masked path (or for a value a rule
   * would mask there) is refused; a text or error search keeps only the entries it still matches
   * in what the viewer sees (masked), silently: a count of the others would tell the same thing.
   */
  private viewerSearch(envId: string, match: DlqMatch, step: DlqSearchStep, m: Maskers): DlqSearchStep {
    if (match.field) {
      const refusal = fieldSearchRefusal(this.maskingOf(envId), match.field.path, match.field.value);
      if (refusal) {
        throw new CodedError('UNAUTHORIZED', `${refusal}: a viewer's search on it would tell the hidden value by what it matches. An operator or admin may search it (or reveal one message, with a reason).`);
      }
    }
    const text = match.text?.toLowerCase();
    const error = match.error?.toLowerCase();
    // Seen in what is shown, or matched beyond the preview (no text of it is shown either way).
    const stillMatches = (needle: string | undefined, raw: string, shown: string) => needle === undefined || !raw.toLowerCase().includes(needle) || shown.toLowerCase().includes(needle);
    const textOf = (entry: DeadLetterEntry) => (entry.payload?.encoding === 'text' ? entry.payload.preview : '');
    const matches = step.matches.filter((entry) => {
      const raw = { preview: textOf(entry), error: entry.error ?? '' };
      maskDeadLetter(entry, m);
      return stillMatches(text, raw.preview, textOf(entry)) && stillMatches(error, raw.error, entry.error ?? '');
    });
    return { ...step, matches };
  }

  /** A pub/sub tail's batches, each masked with its environment's rules. */
  pubsub(batches: PubSubTailBatch[]): PubSubTailBatch[] {
    return batches.map((batch) => {
      const maskers = this.maskersOf(batch.envId);
      return maskers ? { ...batch, messages: batch.messages.map((msg) => maskPayloadPreview(msg, maskers)) } : batch;
    });
  }
}
