/**
 * The decision of the leak check, pure: what a run left behind on the shared brokers, and whether
 * that can be blamed on it (it cannot when another test run used the same brokers meanwhile).
 */

export interface LeakVerdict {
  /** clean: nothing new; leaked: this run left things behind (fail); not-exact: new things, but another run was there too (warn). */
  status: 'clean' | 'leaked' | 'not-exact';
  leaked: string[];
  lines: string[];
}

export interface LeakVerdictInput {
  label: string;
  before: { names: ReadonlySet<string>; skipped: readonly string[] };
  after: { names: ReadonlySet<string>; skipped: readonly string[] };
  /** Other test runs that used the brokers while this one ran, described for a person. */
  otherRuns: readonly string[];
}

/** Lines listed before the rest is summed up. */
const MAX_LISTED = 60;

/** What is new since the start, in a stable order. */
export function newNames(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  return [...after].filter((name) => !before.has(name)).sort();
}

/**
 * Collapses names under one test namespace (`cli-dd7808d1:…`, the suite's `uniqueNamespace`) to one
 * line per kind and namespace, so a leaking test shows as one line with its label, not 40.
 */
export function summarize(names: readonly string[]): string[] {
  const groups = new Map<string, { kind: string; members: string[] }>();
  const single: string[] = [];
  for (const name of names) {
    const match = /^(redis key|redis group|rabbitmq queue \S+|rabbitmq exchange \S+) ([a-z0-9-]*-[0-9a-f]{8}:)/.exec(name);
    if (!match) {
      single.push(name);
      continue;
    }
    const key = `${match[1]} ${match[2]}*`;
    const group = groups.get(key) ?? { kind: match[1]!, members: [] };
    group.members.push(name);
    groups.set(key, group);
  }
  const lines = [...single];
  for (const [key, { kind, members }] of groups) lines.push(members.length === 1 ? members[0]! : `${key} (${members.length}, e.g. ${members[0]!.slice(kind.length + 1)})`);
  return lines.sort();
}

export function leakVerdict(input: LeakVerdictInput): LeakVerdict {
  const leaked = newNames(input.before.names, input.after.names);
  const skipped = [...new Set([...input.before.skipped, ...input.after.skipped])].map((s) => `  not compared: ${s}`);
  const head = `leak check (${input.label})`;
  if (leaked.length === 0) return { status: 'clean', leaked, lines: [`${head}: nothing left behind (${input.after.names.size} names compared)`, ...skipped] };
  const summary = summarize(leaked);
  const listed = summary.slice(0, MAX_LISTED).map((line) => `  ${line}`);
  if (summary.length > MAX_LISTED) listed.push(`  … and ${summary.length - MAX_LISTED} more`);
  if (input.otherRuns.length > 0) {
    return {
      status: 'not-exact',
      leaked,
      lines: [`${head}: ${leaked.length} new name(s) since the start, but another test run used the same brokers meanwhile (${input.otherRuns.join('; ')}), so they cannot be told apart; not failing. New:`, ...listed, ...skipped],
    };
  }
  return {
    status: 'leaked',
    leaked,
    lines: [`${head}: the run left ${leaked.length} thing(s) on the brokers that were not there when it started — a test did not clean up:`, ...listed, ...skipped],
  };
}
