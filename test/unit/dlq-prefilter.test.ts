import { describe, expect, it } from 'vitest';
import { entryMatches, fieldPrefilter, mayMatchField } from '../../electron/core/dead-letters/dlq-search';
import { valueAtPath } from '../../shared/model/dlq-search';

/** The byte prefilter of a field search never changes what matches: it only skips entries that cannot. */
describe('dlq search prefilter', () => {
  const entry = (payload: string) => [Buffer.from('1700000000000-0'), [Buffer.from('data'), Buffer.from(payload, 'utf8')]] as [Buffer, Buffer[]];
  const matches = (payload: string, path: string, value: string) => entryMatches(entry(payload), { field: { path, value } }, null);
  const exact = (payload: string, path: string, value: string) => {
    try {
      return valueAtPath(JSON.parse(payload), path) === value;
    } catch {
      return false;
    }
  };

  const cases: [string, string, string][] = [
    ['{"host":"web-1","user":"alice"}', 'host', 'web-1'],
    ['{"host":"db","user":"web-1"}', 'host', 'web-1'], // the value in another field
    ['{"host":"web-10"}', 'host', 'web-1'], // inside a longer string
    ['{"host":"x-web-1"}', 'host', 'web-1'],
    ['{"host":"caf\\u00e9"}', 'host', 'café'], // escaped unicode still matches
    ['{"host":"café"}', 'host', 'café'],
    ['{"host":"say \\"hi\\""}', 'host', 'say "hi"'], // escaped quotes
    ['{"host":"\\u0077eb-1"}', 'host', 'web-1'], // any character may be escaped
    ['{"a":{"b":"deep"}}', 'a.b', 'deep'],
    ['{"n":1e2}', 'n', '100'], // numbers are written several ways
    ['{"n":100.0}', 'n', '100'],
    ['{"n":42}', 'n', '42'],
    ['{"ok":true}', 'ok', 'true'],
    ['{"ok":"true"}', 'ok', 'true'],
    ['{"v":null}', 'v', 'null'],
    ['{"o":{ "x" : 1 }}', 'o', '{"x":1}'], // whitespace in an object
    ['{"l":[1, 2]}', 'l', '[1,2]'],
    ['not json web-1', 'host', 'web-1'],
    ['{"host":"WEB-1"}', 'host', 'web-1'],
  ];

  it.each(cases)('%s: %s = %s matches exactly when the parsed path does', (payload, path, value) => {
    expect(matches(payload, path, value)).toBe(exact(payload, path, value));
  });

  it('rejects on the bytes alone only when the value cannot be there', () => {
    expect(mayMatchField(Buffer.from('{"host":"db"}'), fieldPrefilter('web-1'))).toBe(false);
    expect(mayMatchField(Buffer.from('{"host":"\\u0077eb-1"}'), fieldPrefilter('web-1'))).toBe(true);
    expect(fieldPrefilter('100')).toBeNull();
    expect(fieldPrefilter('{"x":1}')).toBeNull();
    expect(fieldPrefilter('web-1')).not.toBeNull();
  });
});
