/** Redis stream entry ids (`<ms>-<seq>`): one home for reading and ordering them, core and renderer alike. */

/** Milliseconds part of a stream entry id ("1700000000000-3" → 1700000000000). */
export function idTime(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** Compares two stream entry ids ("ms-seq"): negative, zero or positive. */
export function compareIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  const ms = Number(am) - Number(bm);
  return ms !== 0 ? Math.sign(ms) : Math.sign(Number(as) - Number(bs));
}
