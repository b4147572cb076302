/**
 * Redis replies that list fields flat — stream entries, XINFO rows — as `[name, value, name, value…]`:
 * one home for reading them. Names sit at even positions only, so a missing field is `undefined`
 * (never the first field's name, as `fields[fields.indexOf(name) + 1]` gives) and a value that
 * happens to equal the name is never taken for it.
 */

/** All fields of a flat reply, by name (the last one wins when a name repeats). */
export function fieldMap(row: readonly unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < row.length; i += 2) fields.set(String(row[i]), row[i + 1]);
  return fields;
}

/** The value of the first field called `name`, or undefined when the entry has none. */
export function fieldOf<T>(fields: readonly T[], name: string): T | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (String(fields[i]) === name) return fields[i + 1];
  return undefined;
}
