import { parse as parseYaml } from 'yaml';

/**
 * Seed 000's `routing_rules`: named rules, each a list of conditions (`field == "v"`,
 * `field != "v"`, `field IN ("a", "b")`, `field CONTAINS "v"`) and destinations
 * (`security.alerts (immediate)`). Pure: parsing and matching, no I/O.
 */

export type Operator = '==' | '!=' | 'IN' | 'CONTAINS';

export interface Condition {
  /** Dotted path into the event: `severity`, `metadata.platform`. */
  field: string;
  op: Operator;
  /** One value, or the list of `IN`. */
  values: (string | number | boolean)[];
  /** The condition as written, for messages. */
  text: string;
}

export interface Destination {
  /** Stream name as written (the seed's, without the environment's namespace). */
  stream: string;
  /** The words in parentheses: `immediate`, `priority channel`, `trigger audit`. */
  qualifier: string;
}

export interface RoutingRule {
  name: string;
  /** `any`: one condition suffices (seed `critical_events`); `all`: every one must hold. */
  match: 'any' | 'all';
  conditions: Condition[];
  destinations: Destination[];
}

/**
 * The seed's rules. The seed does not say whether a rule's conditions are alternatives or all
 * required; read literally, `critical_events` lists alternatives (a critical event, or an
 * exposure, or a breach) and `configuration_changes` narrows (a config change from Kong or K8s),
 * so each rule says which it is with `match`.
 */
export const SEED_ROUTING_RULES_YAML = `routing_rules:
  critical_events:
    match: any
    conditions:
      - severity == "critical"
      - event_type CONTAINS "exposure"
      - event_type CONTAINS "breach"
    destinations:
      - security.alerts (immediate)
      - security.notifications (priority channel)

  configuration_changes:
    match: all
    conditions:
      - event_type CONTAINS "config_change"
      - source IN ("kong_monitor", "k8s_monitor")
    destinations:
      - security.scans (trigger audit)
      - security.events (standard processing)
`;

/** A rules file that cannot be used: says which rule and condition, and why. */
export class RulesError extends Error {}

const CONDITION = /^\s*([A-Za-z_][\w.]*)\s+(==|!=|IN|CONTAINS)\s+(.+?)\s*$/;
const DESTINATION = /^\s*([\w.:-]+)\s*(?:\((.*)\))?\s*$/;

function parseScalar(text: string, where: string): string | number | boolean {
  const t = text.trim();
  const quoted = /^"((?:[^"\\]|\\.)*)"$|^'([^']*)'$/.exec(t);
  if (quoted) return quoted[1] !== undefined ? JSON.parse(`"${quoted[1]}"`) as string : quoted[2]!;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  throw new RulesError(`${where}: "${t}" is not a quoted string, a number or true/false`);
}

/** Parses one condition; throws RulesError naming the rule. */
export function parseCondition(text: string, rule: string): Condition {
  const where = `rule "${rule}", condition "${text}"`;
  const m = CONDITION.exec(text);
  if (!m) throw new RulesError(`${where}: expected FIELD (==|!=|IN|CONTAINS) VALUE`);
  const [, field, op, rest] = m as unknown as [string, string, Operator, string];
  if (op === 'IN') {
    const list = /^\((.*)\)$/.exec(rest.trim());
    if (!list) throw new RulesError(`${where}: IN takes a list in parentheses, e.g. ("a", "b")`);
    const items = list[1]!.match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^,\s][^,]*/g) ?? [];
    if (!items.length) throw new RulesError(`${where}: the IN list is empty`);
    return { field, op, values: items.map((i) => parseScalar(i, where)), text };
  }
  return { field, op, values: [parseScalar(rest, where)], text };
}

/** Parses a rules document (YAML or JSON) in the seed's `routing_rules` format. */
export function parseRoutingRules(source: string): RoutingRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(source);
  } catch (error) {
    throw new RulesError(`the rules file is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = (doc as { routing_rules?: unknown } | null)?.routing_rules;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new RulesError('the rules file needs a "routing_rules:" map of named rules');
  return Object.entries(root as Record<string, unknown>).map(([name, raw]) => {
    const rule = raw as { match?: unknown; conditions?: unknown; destinations?: unknown } | null;
    if (!rule || typeof rule !== 'object') throw new RulesError(`rule "${name}" must be a map with conditions and destinations`);
    const match = rule.match ?? 'any';
    if (match !== 'any' && match !== 'all') throw new RulesError(`rule "${name}": match must be "any" or "all"`);
    if (!Array.isArray(rule.conditions) || !rule.conditions.length) throw new RulesError(`rule "${name}" needs a list of conditions`);
    if (!Array.isArray(rule.destinations) || !rule.destinations.length) throw new RulesError(`rule "${name}" needs a list of destinations`);
    const conditions = rule.conditions.map((c) => parseCondition(String(c), name));
    const destinations = rule.destinations.map((d) => {
      const m = DESTINATION.exec(String(d));
      if (!m) throw new RulesError(`rule "${name}", destination "${String(d)}": expected STREAM (qualifier)`);
      return { stream: m[1]!, qualifier: (m[2] ?? '').trim() };
    });
    return { name, match, conditions, destinations };
  });
}

/** The seed's rules, parsed. */
export const SEED_ROUTING_RULES: readonly RoutingRule[] = parseRoutingRules(SEED_ROUTING_RULES_YAML);

function valueAt(event: Record<string, unknown>, path: string): unknown {
  let value: unknown = event;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Whether one condition holds for an event. CONTAINS works on strings (substring) and arrays (member). */
export function holds(condition: Condition, event: Record<string, unknown>): boolean {
  const value = valueAt(event, condition.field);
  const [first] = condition.values;
  switch (condition.op) {
    case '==':
      return value === first;
    case '!=':
      return value !== first;
    case 'IN':
      return condition.values.includes(value as string);
    case 'CONTAINS':
      if (typeof value === 'string') return typeof first === 'string' && value.includes(first);
      if (Array.isArray(value)) return value.includes(first);
      return false;
  }
}

/** The rules an event matches, in file order. */
export function matchingRules(rules: readonly RoutingRule[], event: Record<string, unknown>): RoutingRule[] {
  return rules.filter((rule) => (rule.match === 'all' ? rule.conditions.every((c) => holds(c, event)) : rule.conditions.some((c) => holds(c, event))));
}

/** The distinct destinations of the matching rules (a stream named by two rules is written once), with the first rule naming each. */
export function route(rules: readonly RoutingRule[], event: Record<string, unknown>): { destination: Destination; rule: string }[] {
  const seen = new Map<string, { destination: Destination; rule: string }>();
  for (const rule of matchingRules(rules, event)) {
    for (const destination of rule.destinations) if (!seen.has(destination.stream)) seen.set(destination.stream, { destination, rule: rule.name });
  }
  return [...seen.values()];
}
