import { describe, expect, it } from 'vitest';
import type { DeadLetterEntry } from '../../shared/model/dead-letter';
import { compileMasking, DEFAULT_MASKING, maskLabel, maskNamedText, maskText } from '../../shared/model/masking';
import { MaskCache, PayloadMasker } from '../../electron/core/masking';

const defaults = compileMasking(DEFAULT_MASKING);

/** Payloads of one length that differ only in the id's last digits and in whether they hold a password. */
const payload = (i: number, withSecret: boolean) =>
  JSON.stringify({ id: `evt-${String(i).padStart(28, '0')}`, description: 'y'.repeat(300), raw_data: withSecret ? { password: 'hunter2' } : { passworx: 'hunter3' } });

const entry = (id: string, data: string, fields: Record<string, string> = {}): DeadLetterEntry => ({
  id,
  originStream: 'x',
  originGroup: null,
  originId: null,
  error: null,
  attempts: 1,
  failedAt: null,
  replayCount: 0,
  ageMs: 0,
  payload: { size: data.length, preview: data, encoding: 'text', truncated: false },
  fields,
});

describe('memory of masked texts (issue 20 bench)', () => {
  it('texts alike but for an id each get their own masking, with and without a hint, and are not masked again when read again', () => {
    expect(payload(1, true).length).toBe(payload(3, true).length);
    const masked = new MaskCache();
    let computed = 0;
    const get = (text: string, hint?: string) => masked.get(null, text, () => (computed++, maskText(text, defaults).text), hint);
    for (let read = 0; read < 2; read++) {
      for (let i = 0; i < 40; i++) {
        const text = payload(i, i % 2 === 0);
        const out = get(text, `1-${i}`);
        expect(out).toBe(maskText(text, defaults).text);
        expect(out.includes('hunter2')).toBe(false);
      }
      for (let i = 100; i < 120; i++) expect(get(payload(i, i % 2 === 0))).toBe(maskText(payload(i, i % 2 === 0), defaults).text);
    }
    expect(computed).toBe(60);
  });

  it('the hint only finds a text again, never decides the answer: another text under the same hint is masked for itself, the same text under another hint is the same masking', () => {
    const masked = new MaskCache();
    const secret = payload(7, true);
    const clean = payload(8, false);
    const first = masked.get(null, clean, () => maskText(clean, defaults).text, '1-0');
    expect(first).toBe(clean);
    // Another stream's entry with the same id.
    expect(masked.get(null, secret, () => maskText(secret, defaults).text, '1-0')).toBe(maskText(secret, defaults).text);
    expect(masked.get(null, secret, () => 'never computed', '1-0')).not.toContain('hunter2');
    expect(masked.get(null, clean, () => 'never computed', '1-0')).toBe(clean);
    expect(masked.get(null, secret, () => 'never computed', '2-0')).toBe(maskText(secret, defaults).text);
    expect(masked.get(null, secret, () => 'never computed')).toBe(maskText(secret, defaults).text);
  });

  it('a named field and a text of the same characters, or two names, are kept apart', () => {
    const masker = new PayloadMasker({ configOf: () => undefined, roleOf: () => 'viewer' });
    const m = masker.maskersOf('e')!;
    const text = JSON.stringify({ note: 'x'.repeat(200), secret: 'hunter2' });
    // `**.password` reaches a field named password whole; the same text under another name or as a payload is masked by its content.
    for (const hint of ['1-0', undefined]) {
      expect(m.named('password', text, hint)).toBe(maskLabel('password'));
      expect(m.named('note', text, hint)).toBe(maskNamedText('note', text, defaults).text);
      expect(m.text(text, hint)).toBe(text);
      expect(m.named('password', text, hint)).toBe(maskLabel('password'));
    }
    expect(m.named('passwor', `d${text}`)).toBe(maskNamedText('passwor', `d${text}`, defaults).text);
  });

  it('keeps at most its characters, oldest out first', () => {
    const text = (i: number) => payload(i, true);
    const one = text(0).length + maskText(text(0), defaults).text.length + 64;
    const masked = new MaskCache(one * 5);
    let computed = 0;
    const get = (i: number) => masked.get(null, text(i), () => (computed++, maskText(text(i), defaults).text), `1-${i}`);
    for (let i = 0; i < 30; i++) get(i);
    expect(masked.size.texts).toBeLessThanOrEqual(5);
    expect(masked.size.texts).toBeGreaterThan(0);
    expect(masked.size.hints).toBe(masked.size.texts);
    computed = 0;
    expect(get(29)).toBe(maskText(text(29), defaults).text);
    expect(computed).toBe(0);
    expect(get(0)).toBe(maskText(text(0), defaults).text);
    expect(computed).toBe(1);
  });

  it('one payload in many entries is masked once', () => {
    const masked = new MaskCache();
    let computed = 0;
    const text = payload(1, true);
    for (let i = 0; i < 50; i++) expect(masked.get(null, text, () => (computed++, maskText(text, defaults).text), `1-${i}`)).toBe(maskText(text, defaults).text);
    expect(computed).toBe(1);
    expect(masked.size.texts).toBe(1);
  });

  it('a DLQ page read twice is masked alike, entries that look alike each with its own payload and fields', () => {
    const masker = new PayloadMasker({ configOf: () => undefined, roleOf: () => 'viewer' });
    const page = () => ({
      source: 'x.dlq',
      nextAfter: null,
      entries: Array.from({ length: 30 }, (_, i) => entry(`1-${i}`, payload(i, i % 3 === 0), { extra: payload(i + 1000, i % 2 === 0), password: payload(i, false) })),
    });
    const expected = page().entries.map((e) => ({ data: maskText(e.payload!.preview, defaults).text, extra: maskNamedText('extra', e.fields.extra!, defaults).text, password: maskLabel('password') }));
    for (let read = 0; read < 2; read++) {
      const out = masker.outbound('dlq.list', { envId: 'e' }, page()) as ReturnType<typeof page>;
      expect(out.entries.map((e) => ({ data: e.payload!.preview, extra: e.fields.extra, password: e.fields.password }))).toEqual(expected);
      expect(JSON.stringify(out)).not.toContain('hunter2');
    }
  });
});
