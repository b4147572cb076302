import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { methods, METHOD_NAMES, type MethodName } from '../../shared/contract/methods';
import { events } from '../../shared/contract/events';
import { compileMasking, DEFAULT_MASKING, fieldSearchRefusal, maskLabel, MaskingConfig, maskNamedText, maskText } from '../../shared/model/masking';
import { ORIGINAL_BYTES_METHODS, PAYLOAD_METHODS, PayloadMasker } from '../../electron/core/masking';

const defaults = compileMasking(DEFAULT_MASKING);

describe('masking rules (issue 20)', () => {
  it('masks the seed formats by default: credentials, e-mail, tokens, ip_address, IPs in raw_data/details', () => {
    const event = {
      id: 'e1',
      title: 'Login from 10.0.0.9',
      raw_data: { src: { ip: '10.1.2.3' }, note: 'seen at 192.168.0.4 twice' },
      details: [{ ip: '172.16.0.1' }],
      credentials: { user: 'root', password: 'hunter2' },
      recipient: 'admin@company.com',
      auth: 'Bearer abcdefghijklmnop',
      ip_address: '10.30.5.10',
    };
    const out = maskText(JSON.stringify(event), defaults);
    const masked = JSON.parse(out.text) as Record<string, unknown>;
    expect(masked.id).toBe('e1');
    // An IP outside the free-form parts stays (the title is the event's own words).
    expect(masked.title).toBe('Login from 10.0.0.9');
    expect(masked.raw_data).toEqual({ src: { ip: maskLabel('ip') }, note: `seen at ${maskLabel('ip')} twice` });
    expect(masked.details).toEqual([{ ip: maskLabel('ip') }]);
    expect(masked.credentials).toBe(maskLabel('credentials'));
    expect(masked.recipient).toBe(maskLabel('email'));
    expect(masked.auth).toBe(maskLabel('token'));
    expect(masked.ip_address).toBe(maskLabel('ip_address'));
    expect(out.masked.sort()).toEqual(['**.credentials.**', '**.ip_address', 'email', 'ip@**.details.**', 'ip@**.raw_data.**', 'token'].sort());
    expect(out.text).not.toContain('hunter2');
  });

  it('leaves a payload with nothing to mask byte for byte (spacing, key order, big numbers)', () => {
    const text = '{ "b": 1,  "a": 12345678901234567890, "tags": ["x"] }';
    expect(maskText(text, defaults)).toEqual({ text, masked: [] });
  });

  it('masks by path syntax: * one segment, ** any, a key anywhere', () => {
    const masking = compileMasking({ paths: ['details.*.ip', 'user.**'], values: [] });
    const out = JSON.parse(maskText(JSON.stringify({ details: [{ ip: '1', port: 2 }], user: { name: 'n', deep: { x: 1 } }, ip: 'top' }), masking).text);
    expect(out).toEqual({ details: [{ ip: maskLabel('ip'), port: 2 }], user: maskLabel('user'), ip: 'top' });
  });

  it('a preview cut at the limit (not whole JSON) still hides masked keys to the end and the value patterns', () => {
    const whole = JSON.stringify({ id: 1, credentials: { token: 'abc', nested: { k: 'secret-value' } }, mail: 'a.b@example.org', ip_address: '10.0.0.1', tail: 'x'.repeat(50) });
    const cut = whole.slice(0, whole.length - 20);
    const out = maskText(cut, defaults);
    expect(out.text).not.toContain('secret-value');
    expect(out.text).not.toContain('a.b@example.org');
    expect(out.text).not.toContain('10.0.0.1');
    expect(out.text).toContain('"id":1');
    const open = maskText('{"credentials": {"password": "p4ss', defaults);
    expect(open.text).toBe(`{"credentials": ${JSON.stringify(maskLabel('credentials'))}`);
  });

  it('non-JSON text: the value patterns (e-mail, token), a named field by its name', () => {
    expect(maskText('mail bob@example.com with eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', defaults).text).toBe(`mail ${maskLabel('email')} with ${maskLabel('token')}`);
    expect(maskNamedText('password', 'plain', defaults).text).toBe(maskLabel('password'));
    expect(maskNamedText('data', 'plain', defaults).text).toBe('plain');
  });

  it('empty lists mask nothing; bad rules are refused by the profile schema', () => {
    expect(maskText('{"credentials":{"a":1},"m":"x@y.io"}', compileMasking({ paths: [], values: [] })).masked).toEqual([]);
    expect(MaskingConfig.safeParse({ paths: ['a..b'], values: [] }).success).toBe(false);
    expect(MaskingConfig.safeParse({ paths: ['a.*.b', '**.c'], values: ['ip@**.details.**', 'email'] }).success).toBe(true);
    expect(MaskingConfig.safeParse({ paths: [], values: ['phone'] }).success).toBe(false);
  });
});

/** Every object key anywhere in a schema (zod 4 definitions). */
function keysOf(schema: z.ZodTypeAny, seen = new Set<unknown>()): Set<string> {
  const keys = new Set<string>();
  const walk = (s: unknown) => {
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    seen.add(s);
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    if (def.type === 'object') {
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
        keys.add(k);
        walk(v);
      }
      walk(def.catchall);
    }
    for (const child of ['element', 'innerType', 'valueType', 'keyType', 'in', 'out', 'left', 'right', 'schema']) walk(def[child]);
    if (Array.isArray(def.options)) def.options.forEach(walk);
    if (Array.isArray(def.items)) def.items.forEach(walk);
  };
  walk(schema);
  return keys;
}

/** Keys under which results carry payload text (`data`: a BullMQ job's); an alert's `title` is the alert's, not a payload. */
const PAYLOAD_KEYS = ['preview', 'data'];

describe('every payload that leaves the host goes through the mask', () => {
  it('each method whose result holds payload text is masked, answers the original to operators only, or is a reveal', () => {
    const carrying = METHOD_NAMES.filter((name) => {
      const keys = keysOf(methods[name].result as z.ZodTypeAny);
      return PAYLOAD_KEYS.some((k) => keys.has(k));
    });
    const handled = new Set<MethodName>([...(Object.keys(PAYLOAD_METHODS) as MethodName[]), ...ORIGINAL_BYTES_METHODS, 'payload.revealDeadLetter', 'payload.revealStreamEntry', 'payload.revealRabbitDeadLetter', 'payload.revealBullJob']);
    const forgotten = carrying.filter((name) => !handled.has(name));
    expect(forgotten).toEqual([]);
    // The list is not trivially short: the DLQ pages, stream entries, BullMQ jobs, evidence, history.
    expect(carrying).toEqual(expect.arrayContaining(['dlq.list', 'dlq.show', 'dlq.search', 'dlq.rabbitBrowse', 'dlq.bullList', 'streams.entries', 'bullmq.jobs', 'alerts.evidence']));
    // Stored events carry no payload, but their title is the event's own text.
    expect(Object.keys(PAYLOAD_METHODS)).toContain('events.search');
  });

  it('the only pushed topic carrying payload text is the pub/sub tail (masked by AppCore before emitting)', () => {
    const carrying = Object.entries(events)
      .filter(([, schema]) => keysOf(schema as z.ZodTypeAny).has('preview'))
      .map(([topic]) => topic);
    expect(carrying).toEqual(['pubsub.messages']);
  });

  it('the masker masks a listed method, passes others, refuses an export to a viewer of a masking environment', () => {
    let role: 'viewer' | 'operator' = 'viewer';
    const masker = new PayloadMasker({ configOf: () => undefined, roleOf: () => role });
    const entry = { id: '1-0', originStream: 's', originGroup: null, originId: null, error: 'bad mail x@y.io', attempts: 1, failedAt: null, replayCount: 0, ageMs: 0, payload: { size: 10, preview: '{"credentials":{"k":"v"}}', encoding: 'text' as const, truncated: false }, fields: { password: 'p' } };
    const shown = masker.outbound('dlq.show', { envId: 'e' }, structuredClone(entry)) as typeof entry;
    expect(shown.payload.preview).toBe(JSON.stringify({ credentials: maskLabel('credentials') }));
    expect(shown.error).toBe(`bad mail ${maskLabel('email')}`);
    expect(shown.fields.password).toBe(maskLabel('password'));
    expect(entry.payload.preview).toContain('"k":"v"');
    expect(masker.outbound('dlq.sources', { envId: 'e' }, [{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(() => masker.outbound('dlq.export', { envId: 'e' }, { lines: '', exported: 0 })).toThrow(/operator/);
    role = 'operator';
    expect(masker.outbound('dlq.export', { envId: 'e' }, { lines: 'x', exported: 1 })).toEqual({ lines: 'x', exported: 1 });
    const off = new PayloadMasker({ configOf: () => ({ paths: [], values: [] }), roleOf: () => 'viewer' });
    expect(off.outbound('dlq.show', { envId: 'e' }, entry)).toBe(entry);
  });
});

describe('masking stays linear on large payloads', () => {
  it('a 256 KiB run with no match and one with many @ are masked quickly (no quadratic scan)', () => {
    const run = 'x'.repeat(256 * 1024);
    expect(maskText(run, defaults).masked).toEqual([]);
    const ats = 'a@'.repeat(64 * 1024);
    expect(maskText(ats, defaults).masked).toEqual([]);
    const mails = Array.from({ length: 2000 }, (_, i) => `u${i}@d${i}.example.com`).join(' ');
    const out = maskText(mails, defaults);
    expect(out.text).not.toContain('@');
    expect(out.text.split(maskLabel('email')).length - 1).toBe(2000);
  });
});

describe('the masker remembers masked texts per environment and its rules', () => {
  it('answers the same masks from memory, and follows a change of the rules at once', () => {
    let config: MaskingConfig | undefined;
    const masker = new PayloadMasker({ configOf: () => config, roleOf: () => 'viewer' });
    const text = '{"owner":"a@b.example.com","k":"v"}';
    const first = masker.maskersOf('e')!.text(text);
    expect(first).toBe(JSON.stringify({ owner: maskLabel('email'), k: 'v' }));
    expect(masker.maskersOf('e')!.text(text)).toBe(first);
    config = { paths: ['k'], values: [] };
    expect(masker.maskersOf('e')!.text(text)).toBe(JSON.stringify({ owner: 'a@b.example.com', k: maskLabel('k') }));
    config = { paths: [], values: [] };
    expect(masker.maskersOf('e')).toBeNull();
  });
});

describe("a viewer's field search on what is masked (it would tell the value by its matches)", () => {
  const masking = compileMasking(DEFAULT_MASKING);
  it('refuses a masked path, a path under a masked one, and a value a rule would mask there', () => {
    expect(fieldSearchRefusal(masking, 'credentials.password', 'guess')).toContain('**.credentials.**');
    expect(fieldSearchRefusal(masking, 'user.password', 'guess')).toContain('**.password');
    expect(fieldSearchRefusal(masking, 'ip_address', '10.0.0.1')).toContain('**.ip_address');
    expect(fieldSearchRefusal(masking, 'recipient', 'soc@corp.example.com')).toContain('email');
    expect(fieldSearchRefusal(masking, 'details.src', '10.0.0.1')).toContain('ip@**.details.**');
    // A whole object compared as text: its password is masked.
    expect(fieldSearchRefusal(masking, 'user', '{"name":"svc","password":"guess"}')).toContain('**.password');
  });
  it('lets the rest through: unmasked paths, and values nothing would mask there', () => {
    expect(fieldSearchRefusal(masking, 'event.severity', 'critical')).toBeNull();
    expect(fieldSearchRefusal(masking, 'src_ip', '10.0.0.1')).toBeNull();
    expect(fieldSearchRefusal(masking, 'user', '{"name":"svc"}')).toBeNull();
    expect(fieldSearchRefusal(compileMasking({ paths: [], values: [] }), 'credentials.password', 'x')).toBeNull();
  });
});

describe('the first look that skips texts no rule can touch (masking bench)', () => {
  const masking = compileMasking(DEFAULT_MASKING);
  it('skips clean texts untouched, and never skips what a rule would mask', () => {
    const clean = '{"event_type":"heartbeat","severity":"low"}';
    expect(maskText(clean, masking)).toEqual({ text: clean, masked: [] });
    // A key spelled with a JSON escape is still the key once parsed.
    expect(JSON.parse(maskText('{"cred\\u0065ntials":{"user":"x"}}', masking).text)).toEqual({ credentials: maskLabel('credentials') });
    expect(maskText('call me at a@b.io', masking).text).toBe(`call me at ${maskLabel('email')}`);
    expect(maskText('{"details":{"note":"from 10.0.0.1"}}', masking).text).toContain(maskLabel('ip'));
    expect(maskText('{"t":"ghp_abcdefghijklmnopqrstuvwxyz"}', masking).text).toContain(maskLabel('token'));
    // A path rule without a literal key cannot be looked for: every text is masked in full.
    expect(maskText('{"a":{"b":"x"}}', compileMasking({ paths: ['*.*'], values: [] })).text).toBe(JSON.stringify({ a: { b: maskLabel('*.*') } }));
  });
});
