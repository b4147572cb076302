import { z } from 'zod';

/**
 * Masked fields (issue 20): what of a payload a window, the CLI or a search result never shows
 * unless an operator reveals it with a reason. Pure: the host applies it to every preview it sends
 * (electron/core/masking.ts); replays and exports read the broker, never a masked preview.
 *
 * A path is dotted segments into the payload parsed as JSON: a key, `*` for one segment (a key or
 * an array index), `**` for any number of them (none too). A path rule masks the value it reaches
 * whole (`**.credentials.**`: every value under a `credentials` key, wherever it is). A value rule
 * masks what looks like an e-mail address, a token or an IP address inside the text of a string,
 * everywhere or only under a path (`ip@**.details.**`).
 */

export const MASK_KINDS = ['email', 'token', 'ip'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

const SEGMENT = /^(\*\*|\*|[A-Za-z0-9_$@:-]+)$/;

/** A path rule as typed (`details.*.ip`, `credentials.**`). */
export const MaskPath = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .refine((p) => p.split('.').every((s) => SEGMENT.test(s)), 'a mask path is keys, * and ** joined by dots (details.*.ip, **.credentials.**)');

/** A value rule as typed: `email`, `token`, `ip`, or one of them under a path (`ip@**.details.**`). */
export const MaskValueRule = z
  .string()
  .trim()
  .min(1)
  .max(260)
  .refine((v) => {
    const [kind, path] = splitValueRule(v);
    return (MASK_KINDS as readonly string[]).includes(kind) && (path === undefined || MaskPath.safeParse(path).success);
  }, 'a value rule is email, token or ip, optionally @PATH (ip@**.details.**)');

/** An environment's masking: path rules and value rules; both empty masks nothing. */
export const MaskingConfig = z.object({ paths: z.array(MaskPath).max(100), values: z.array(MaskValueRule).max(100) }).strict();
export type MaskingConfig = z.infer<typeof MaskingConfig>;

/**
 * The defaults for the seed formats: anything under `credentials`, secret-named keys, the discovery
 * message's `ip_address` (seed 002), e-mail addresses (a notification's `recipient`, seed 000) and
 * tokens anywhere, IP addresses inside the free-form parts of an event (`raw_data`, `metadata`, `details`).
 */
export const DEFAULT_MASKING: MaskingConfig = {
  paths: ['**.credentials.**', '**.password', '**.api_key', '**.access_token', '**.ip_address'],
  values: ['email', 'token', 'ip@**.details.**', 'ip@**.raw_data.**', 'ip@**.metadata.**'],
};

/** How every masked value starts: a renderer knows a masked preview by it, the host refuses it in an edited replay. */
export const MASK_MARK = '••• masked (';

/** What a masked value shows instead. */
export const maskLabel = (why: string) => `${MASK_MARK}${why})`;

function splitValueRule(rule: string): [string, string | undefined] {
  const at = rule.indexOf('@');
  return at < 0 ? [rule.trim(), undefined] : [rule.slice(0, at).trim(), rule.slice(at + 1).trim()];
}

type Matcher = (path: readonly string[]) => boolean;

function compilePath(path: string): { segments: string[]; matches: Matcher } {
  const segments = path.split('.');
  // The common shapes, matched without the general backtracking (the DLQ page path runs these per value).
  const isLiteral = (s: string | undefined) => s !== undefined && s !== '*' && s !== '**';
  if (segments.length === 2 && segments[0] === '**' && isLiteral(segments[1])) {
    const key = segments[1]!;
    return { segments, matches: (p) => p.length > 0 && p[p.length - 1] === key };
  }
  if (segments.length === 3 && segments[0] === '**' && segments[2] === '**' && isLiteral(segments[1])) {
    const key = segments[1]!;
    return { segments, matches: (p) => p.includes(key) };
  }
  if (!segments.includes('**')) {
    return { segments, matches: (p) => p.length === segments.length && segments.every((s, i) => s === '*' || s === p[i]) };
  }
  const matchFrom = (p: readonly string[], i: number, j: number): boolean => {
    if (j === segments.length) return i === p.length;
    const s = segments[j]!;
    if (s === '**') {
      for (let k = i; k <= p.length; k++) if (matchFrom(p, k, j + 1)) return true;
      return false;
    }
    return i < p.length && (s === '*' || s === p[i]) && matchFrom(p, i + 1, j + 1);
  };
  return { segments, matches: (p) => matchFrom(p, 0, 0) };
}

/** The last literal key of a path (`credentials` of `**.credentials.**`): what a cut JSON text is searched for. */
function lastKey(segments: string[]): string | undefined {
  for (let i = segments.length - 1; i >= 0; i--) if (segments[i] !== '*' && segments[i] !== '**') return segments[i];
  return undefined;
}

// Each starts with a literal or a bounded run, so a long payload is scanned in linear time (an
// e-mail pattern starting with an unbounded run is quadratic on a long run without '@': see maskEmails).
const PATTERNS: Record<Exclude<MaskKind, 'email'>, RegExp> = {
  token: /\b(?:Bearer\s+[A-Za-z0-9._~+/=-]{8,}|eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[A-Z0-9]{16})/g,
  ip: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b/g,
};

/** The compiled rules of one environment; {@link compileMasking} once, apply many times. */
export interface Masking {
  /** False when there are no rules: {@link maskText} returns the text untouched. */
  readonly isActive: boolean;
  readonly paths: { path: string; matches: Matcher; key: string | undefined; keyPattern: RegExp | undefined; label: string }[];
  readonly values: { rule: string; kind: MaskKind; within: Matcher | undefined }[];
  /** The value rules that apply anywhere (a text that is not whole JSON cannot tell where it is). */
  readonly unscoped: Masking['values'];
  /**
   * One look that tells a text cannot change (issue 20 bench): none of the path rules' keys as a
   * JSON key and nothing a value kind starts with. Null when some path has no key to look for.
   */
  readonly mayMatch: RegExp | null;
}

/** What each value kind needs somewhere in a text before its pattern is worth running. */
const TRIGGERS: Record<MaskKind, string> = {
  email: '@',
  token: 'Bearer|eyJ|[spr]k_(?:live|test)_|gh[pousr]_|xox[abprs]-|AKIA',
  ip: '\\d\\.\\d|[0-9A-Fa-f]:[0-9A-Fa-f]',
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles a configuration (invalid rules are skipped: the profile was validated when saved). */
export function compileMasking(config: MaskingConfig): Masking {
  const paths = config.paths.filter((p) => MaskPath.safeParse(p).success).map((path) => {
    const compiled = compilePath(path);
    const key = lastKey(compiled.segments);
    return { path, matches: compiled.matches, key, keyPattern: key === undefined ? undefined : new RegExp(`"${escapeRegExp(key)}"\\s*:\\s*`, 'g'), label: key ?? path };
  });
  const values = config.values
    .map((rule) => [rule, ...splitValueRule(rule)] as const)
    .filter(([, kind, path]) => (MASK_KINDS as readonly string[]).includes(kind) && (path === undefined || MaskPath.safeParse(path).success))
    .map(([rule, kind, path]) => ({ rule: rule.trim(), kind: kind as MaskKind, within: path === undefined ? undefined : compilePath(path).matches }));
  const kinds = [...new Set(values.map((v) => v.kind))];
  const mayMatch = paths.some((p) => p.key === undefined) ? null : new RegExp([...paths.map((p) => `"${escapeRegExp(p.key!)}"`), ...kinds.map((k) => TRIGGERS[k])].join('|') || '(?!)');
  return { isActive: paths.length + values.length > 0, paths, values, unscoped: values.filter((v) => !v.within), mayMatch };
}

export const NO_MASKING: Masking = compileMasking({ paths: [], values: [] });

/** What masking one text did: the text to show and which rules hid something. */
export interface MaskOutcome {
  text: string;
  /** Paths and kinds that masked something (`**.credentials.**`, `email`), each once. */
  masked: string[];
}

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;

/** E-mail addresses, found from each '@' outwards (local part ≤ 64, domain ≤ 255 with a dot and a letter TLD). */
function maskEmails(text: string): string | null {
  let at = text.indexOf('@');
  if (at < 0) return null;
  let out = '';
  let from = 0;
  let isChanged = false;
  while (at >= 0) {
    let start = at;
    while (start > from && at - start < 64 && LOCAL_CHAR.test(text[start - 1]!)) start--;
    let end = at + 1;
    while (end < text.length && end - at <= 255 && DOMAIN_CHAR.test(text[end]!)) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    const domain = text.slice(at + 1, end);
    if (start < at && /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(domain)) {
      out += text.slice(from, start) + maskLabel('email');
      from = end;
      isChanged = true;
    }
    at = text.indexOf('@', Math.max(at + 1, from));
  }
  return isChanged ? out + text.slice(from) : null;
}

function maskString(value: string, path: readonly string[], rules: Masking['values'], hits: Set<string>): string {
  let out = value;
  for (const rule of rules) {
    if (rule.within && !rule.within(path)) continue;
    if (rule.kind === 'email') {
      if (!out.includes('@')) continue;
      const masked = maskEmails(out);
      if (masked !== null) {
        out = masked;
        hits.add(rule.rule);
      }
      continue;
    }
    // Cheap first looks: an address has dots, a token is at least 8 characters.
    if (rule.kind === 'ip' ? !out.includes('.') && !out.includes(':') : out.length < 8) continue;
    const pattern = PATTERNS[rule.kind];
    pattern.lastIndex = 0;
    if (!pattern.test(out)) continue;
    pattern.lastIndex = 0;
    out = out.replace(pattern, maskLabel(rule.kind));
    hits.add(rule.rule);
  }
  return out;
}

/** Masks a freshly parsed value in place (it is ours), `path` being the keys down to it (a stack, pushed and popped). */
function maskValue(value: unknown, path: string[], masking: Masking, hits: Set<string>): unknown {
  if (path.length) {
    for (const rule of masking.paths) {
      if (rule.matches(path)) {
        hits.add(rule.path);
        return maskLabel(rule.label);
      }
    }
  }
  if (typeof value === 'string') return maskString(value, path, masking.values, hits);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      const next = maskValue(value[i], path, masking, hits);
      if (next !== value[i]) value[i] = next;
      path.pop();
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    path.push(k);
    const next = maskValue(record[k], path, masking, hits);
    if (next !== record[k]) record[k] = next;
    path.pop();
  }
  return value;
}

/** Index just past the JSON value starting at `start` (a string, a scalar, or a balanced object/array), or the text's end when it is cut. */
function endOfValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return text.length;
  }
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '"') i = endOfValue(text, i) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = start;
  while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
  return i;
}


/** A text that is not whole JSON (cut at the preview limit, or not JSON): the values of masked keys, then the value patterns. */
function maskLooseText(text: string, masking: Masking, hits: Set<string>): string {
  let out = text;
  for (const rule of masking.paths) {
    const keyPattern = rule.keyPattern;
    if (!keyPattern || !out.includes(`"${rule.key!}"`)) continue;
    keyPattern.lastIndex = 0;
    let result = '';
    let from = 0;
    for (let m = keyPattern.exec(out); m; m = keyPattern.exec(out)) {
      const valueStart = m.index + m[0].length;
      if (valueStart >= out.length) break;
      const end = endOfValue(out, valueStart);
      result += out.slice(from, valueStart) + JSON.stringify(maskLabel(rule.label));
      from = end;
      keyPattern.lastIndex = end;
      hits.add(rule.path);
    }
    out = result + out.slice(from);
  }
  // Scoped value rules cannot know where they are in a text: only the unscoped ones apply.
  return maskString(out, [], masking.unscoped, hits);
}

/**
 * Masks one payload text as a window would show it. Whole JSON is parsed, masked by path and value
 * and written back (untouched, byte for byte, when nothing matched); anything else gets the masked
 * keys' values and the value patterns replaced in the text.
 */
export function maskText(text: string, masking: Masking): MaskOutcome {
  if (!masking.isActive || text.length === 0) return { text, masked: [] };
  // Most texts (errors, ids, counters, clean payloads) hold nothing any rule looks for.
  // (A JSON escape could spell a key or an '@' the look would miss: such a text is masked in full.)
  if (masking.mayMatch && !masking.mayMatch.test(text) && !text.includes('\\u')) return { text, masked: [] };
  const hits = new Set<string>();
  const head = text.trimStart()[0];
  if (head === '{' || head === '[') {
    let parsed: unknown;
    let isJson = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      isJson = false;
    }
    if (isJson) {
      const masked = maskValue(parsed, [], masking, hits);
      if (!hits.size) return { text, masked: [] };
      return { text: JSON.stringify(masked, null, text.includes('\n') ? 2 : undefined), masked: [...hits] };
    }
  }
  const out = maskLooseText(text, masking, hits);
  return { text: hits.size ? out : text, masked: [...hits] };
}

/**
 * Masks a named field's value (a stream entry's field, a message header): a path rule reaching the
 * name itself (`**.password` on a field `password`) hides it whole; otherwise the value is masked as
 * a payload of its own.
 */
export function maskNamedText(name: string, text: string, masking: Masking): MaskOutcome {
  if (!masking.isActive) return { text, masked: [] };
  const path = [name];
  for (const rule of masking.paths) if (rule.matches(path)) return { text: maskLabel(rule.label), masked: [rule.path] };
  return maskText(text, masking);
}

/**
 * Why a viewer may not search a payload field for a value (a DLQ search's `path=value`), or null
 * when they may: its matches would tell what the mask hides (`credentials.password=guess` finds
 * the entries whose password is the guess). Refused when a path rule hides the path or a part
 * above it, or when the value searched for holds what a rule would mask there (an address under
 * `details`, a whole object whose `password` is masked).
 */
export function fieldSearchRefusal(masking: Masking, path: string, value: string): string | null {
  if (!masking.isActive) return null;
  const segments = path.split('.');
  for (let k = 1; k <= segments.length; k++) {
    const above = segments.slice(0, k);
    const rule = masking.paths.find((r) => r.matches(above));
    if (rule) return `the field ${path} is masked in this environment (${rule.path})`;
  }
  const hits = new Set<string>();
  const head = value.trimStart()[0];
  let parsed: unknown = value;
  if (head === '{' || head === '[') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = value;
    }
  }
  if (typeof parsed === 'string') maskString(parsed, segments, masking.values, hits);
  else maskValue(parsed, [...segments], masking, hits);
  const [hit] = hits;
  return hit === undefined ? null : `the value searched for in ${path} holds what this environment masks there (${hit})`;
}
