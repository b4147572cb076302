import { createHash } from 'node:crypto';
import { keySlot } from '../brokers/redis/redis-client';

/**
 * Keys that live in the same Redis Cluster hash slot as a given key (see cluster-commit.ts for why
 * the workers need them). A key `P{T}rest` hashes on `T` only, so a mark is written
 * `<prefix>{<T>}:<rest>` where `T` is the part of the stream's name Redis hashes: its own hash tag
 * when it has one, else the whole name. Names no tag can reproduce (a name with no valid tag that
 * holds a `}`) get a short tag found for that slot; every key is checked against the slot before use.
 */

/** The part of `key` Redis hashes (its `{tag}` when non-empty, else the whole key). */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

const tagsBySlot = new Map<number, string>();

/** A short tag whose `{tag}` hashes to `slot` (searched once per slot, then cached). */
function tagForSlot(slot: number): string {
  let tag = tagsBySlot.get(slot);
  for (let n = 0; tag === undefined; n++) if (keySlot(`{s${n}}`) === slot) tag = `s${n}`;
  tagsBySlot.set(slot, tag);
  return tag;
}

/** `{T}` such that any key holding it (and no brace before it) is in `key`'s slot. */
export function slotTagOf(key: string): string {
  const part = hashedPart(key);
  const tag = part.includes('}') ? tagForSlot(keySlot(key)) : part;
  const braced = `{${tag}}`;
  if (keySlot(braced) !== keySlot(key)) throw new Error(`no hash tag reproduces the slot of ${key}`);
  return braced;
}

/** A prefix usable before a `{tag}`: the braces of a namespace would tag the key themselves, so they are replaced. */
export function untaggedPrefix(prefix: string): string {
  return prefix.replace(/[{}]/g, '_');
}

/** A short, stable id for a scope made of names (keeps per-entry mark keys short). */
export function scopeId(...names: string[]): string {
  return createHash('sha1').update(names.join('\u0000')).digest('base64url').slice(0, 12);
}

/**
 * Where a consumer's marks live on a cluster, for one input stream and group. Every method returns
 * a key (or key prefix) in the slot of the stream it names.
 */
export class ClusterLayout {
  private readonly base: string;
  private readonly outputs = new Map<string, { written: string; dedup: string }>();

  constructor(
    keyPrefix: string,
    private readonly stream: string,
    private readonly group: string,
  ) {
    this.base = untaggedPrefix(keyPrefix);
    const tag = slotTagOf(stream);
    const id = scopeId(stream, group);
    this.attemptsKey = `${this.base}${tag}:attempts:${id}`;
    this.inputDedupPrefix = `${this.base}${tag}:dedup:${scopeId(group)}:`;
  }

  /** The retry counters (hash entry id → failed attempts), in the input stream's slot: the ack script drops them. */
  readonly attemptsKey: string;
  /** Dedup marks (and effectful claims) of entries with no output, in the input stream's slot. */
  readonly inputDedupPrefix: string;

  /**
   * For output stream `output`: `written` + entry id marks that this entry's outputs to that stream
   * are written; `dedup` + dedup id holds the entry that wrote the outputs of that dedup id there.
   */
  output(output: string): { written: string; dedup: string } {
    let keys = this.outputs.get(output);
    if (!keys) {
      const tag = slotTagOf(output);
      keys = { written: `${this.base}${tag}:out:${scopeId(output, this.stream, this.group)}:`, dedup: `${this.base}${tag}:dedup:${scopeId(output, this.group)}:` };
      this.outputs.set(output, keys);
    }
    return keys;
  }

  /** The mark that entry `id` was dead-lettered to `dlq`, in the DLQ's slot. */
  deadLetterMark(dlq: string, id: string): string {
    return `${this.base}${slotTagOf(dlq)}:dead:${scopeId(dlq, this.stream, this.group)}:${id}`;
  }
}
