import { describe, expect, it } from 'vitest';
import { compileMasking, DEFAULT_MASKING, maskLabel, type Masking, type MaskingConfig, maskText } from '../../shared/model/masking';

/**
 * The walk of a parsed payload (issue 20 bench): rule positions carried down as interned states,
 * a value kind skipped where the string (or the whole text) cannot hold it. Each test here fails
 * if a fast path skips a mask the rules call for.
 */
const defaults = compileMasking(DEFAULT_MASKING);

/** What the rules say, the slow way: the key path built at every node and each rule's own matcher. */
function reference(value: unknown, masking: Masking, path: string[] = []): unknown {
  if (path.length) {
    const rule = masking.paths.find((r) => r.matches(path));
    if (rule) return maskLabel(rule.label);
  }
  if (typeof value === 'string') {
    // The random payloads' strings are whole addresses: an ip rule that applies masks the whole string.
    return masking.values.some((v) => v.kind === 'ip' && (!v.within || v.within(path))) ? maskLabel('ip') : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item, i) => reference(item, masking, [...path, String(i)]));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reference(v, masking, [...path, k])]));
}

/** A small deterministic generator (no Math.random: a failure is reproducible). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const KEYS = ['a', 'b', 'c', 'ip', 'details', '0', '1', 'x-y'];
function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth === 0 || r < 0.3) return r < 0.15 ? '10.0.0.1' : Math.floor(r * 100);
  if (r < 0.55) return Array.from({ length: 1 + Math.floor(next() * 3) }, () => randomValue(next, depth - 1));
  const out: Record<string, unknown> = {};
  for (let k = 0; k < 1 + Math.floor(next() * 4); k++) out[KEYS[Math.floor(next() * KEYS.length)]!] = randomValue(next, depth - 1);
  return out;
}
function randomPath(next: () => number): string {
  const segments = ['*', '**', ...KEYS];
  return Array.from({ length: 1 + Math.floor(next() * 4) }, () => segments[Math.floor(next() * segments.length)]!).join('.');
}

describe('masking walk (issue 20 bench)', () => {
  it('masks by path and scoped value rule exactly as each rule’s own matcher says (random payloads and rules)', () => {
    const next = rng(20);
    let masked = 0;
    for (let round = 0; round < 300; round++) {
      const config: MaskingConfig = {
        paths: Array.from({ length: Math.floor(next() * 3) }, () => randomPath(next)),
        values: Array.from({ length: 1 + Math.floor(next() * 2) }, () => `ip@${randomPath(next)}`),
      };
      const masking = compileMasking(config);
      const payload = { root: randomValue(next, 4), list: [randomValue(next, 3), randomValue(next, 3)] };
      const text = JSON.stringify(payload);
      const expected = JSON.stringify(reference(JSON.parse(text), masking));
      const out = maskText(text, masking);
      expect(out.text, `${JSON.stringify(config)} on ${text}`).toBe(expected);
      if (out.text !== text) masked++;
    }
    // The rounds did mask things (the comparison is not all untouched texts).
    expect(masked).toBeGreaterThan(30);
  });

  it('an array index named by a rule (items.0.secret) and keys no rule names on the way (ids as keys)', () => {
    const masking = compileMasking({ paths: ['items.0.secret', '**.by_id.*.password'], values: [] });
    const out = JSON.parse(maskText(JSON.stringify({ items: [{ secret: 's0' }, { secret: 's1' }], by_id: { 'u-1': { password: 'p1' }, 'u-2': { password: 'p2', name: 'n' } } }), masking).text);
    expect(out.items).toEqual([{ secret: maskLabel('secret') }, { secret: 's1' }]);
    expect(out.by_id).toEqual({ 'u-1': { password: maskLabel('password') }, 'u-2': { password: maskLabel('password'), name: 'n' } });
  });

  it('the first path rule in the configuration’s order names the mask', () => {
    expect(maskText('{"x":{"a":1}}', compileMasking({ paths: ['*.a', '**.a'], values: [] })).masked).toEqual(['*.a']);
    expect(maskText('{"x":{"a":1}}', compileMasking({ paths: ['**.a', '*.a'], values: [] })).masked).toEqual(['**.a']);
  });

  it('the shortest token and address each kind finds are still masked (the length gates)', () => {
    for (const token of ['Bearer abcdefgh', 'xoxb-0123456789', 'sk_live_abcdefgh']) {
      expect(maskText(JSON.stringify({ auth: token }), defaults).text, token).toBe(JSON.stringify({ auth: maskLabel('token') }));
    }
    expect(maskText(JSON.stringify({ raw_data: { a: '1.2.3.4', b: '0:0:0:0:0:0:0:0' } }), defaults).text).toBe(JSON.stringify({ raw_data: { a: maskLabel('ip'), b: maskLabel('ip') } }));
  });

  it('a kind spelled only through \\u escapes is still masked (the whole-text gate looks at the text)', () => {
    const text = '{"mail":"ana\\u0040corp.example.com","auth":"\\u0042earer abcdefghijkl","raw_data":{"ip":"10\\u002e1.2.3"},"x":1}';
    const out = JSON.parse(maskText(text, defaults).text);
    expect(out).toEqual({ mail: maskLabel('email'), auth: maskLabel('token'), raw_data: { ip: maskLabel('ip') }, x: 1 });
  });

  it('a kind found once in the text is looked for in every string (not only where the gate saw it)', () => {
    const text = JSON.stringify({ a: 'nothing here', b: { c: ['x', 'write to ops@corp.example.com'] }, raw_data: { n: 'seen 10.9.8.7' }, t: 'Bearer abcdefghijk' });
    const out = JSON.parse(maskText(text, defaults).text);
    expect(out).toEqual({ a: 'nothing here', b: { c: ['x', `write to ${maskLabel('email')}`] }, raw_data: { n: `seen ${maskLabel('ip')}` }, t: maskLabel('token') });
  });

  it('an own __proto__ key of a payload is masked like any other key', () => {
    const out = maskText('{"__proto__":{"password":"p"},"raw_data":{"__proto__":"10.0.0.1"},"m":"a@b.io"}', defaults).text;
    expect(out).not.toContain('"p"');
    expect(out).not.toContain('10.0.0.1');
    expect(out).not.toContain('a@b.io');
  });

  it('a configuration is compiled once (by identity)', () => {
    expect(compileMasking(DEFAULT_MASKING)).toBe(defaults);
    expect(compileMasking({ ...DEFAULT_MASKING })).not.toBe(defaults);
  });
});
