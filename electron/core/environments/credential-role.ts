import { topologyFor } from '../../../shared/model/topology';
import type { Role } from '../../../shared/model/environment';

/**
 * What the environment's credentials allow, as a role: the console never offers more than the
 * brokers would accept. The profile's role can only narrow it (effective = the lower of both).
 * `known: false` when the broker would not say (no ACL, no right to read it): then the role is
 * assumed, and the reason says so and why — the broker still refuses what the user may not do.
 */
export interface RoleCap {
  broker: 'redis' | 'rabbitmq';
  role: Role;
  known: boolean;
  reason: string;
}

export interface EffectiveRole {
  role: Role;
  /** The profile's role (admin when none is set). */
  profileRole: Role;
  /** Why, one line per source: the profile first, then each broker. */
  reasons: string[];
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The lower of the profile's role and every credential cap, with the reasons. */
export function combineRoles(profileRole: Role, caps: readonly RoleCap[]): EffectiveRole {
  let role = profileRole;
  for (const cap of caps) if (RANK[cap.role] < RANK[role]) role = cap.role;
  return { role, profileRole, reasons: [`profile: ${profileRole}`, ...caps.map((c) => c.reason)] };
}

/** The part of a Redis client the probe needs (a standalone client or a cluster). */
export interface RedisCaller {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** What an operator writes (acknowledge, replay, alert state in scripts) and what only an admin does (delete, trim, drop a group). */
function redisProbes(namespace: string): { operate: string[][]; administer: string[][] } {
  const stream = `${namespace}security.events`;
  return {
    operate: [
      ['XADD', stream, '*', 'f', 'v'],
      ['XACK', stream, 'g', '0-1'],
      ['XCLAIM', stream, 'g', 'c', '0', '0-1'],
      ['HSET', `${namespace}watchfloor:alerts:probe`, 'f', 'v'],
      ['EVAL', 'return 1', '0'],
    ],
    administer: [
      ['DEL', stream],
      ['XTRIM', stream, 'MAXLEN', '0'],
      ['XGROUP', 'DESTROY', stream, 'g'],
    ],
  };
}

/** Seed ACL categories of the probed commands, for reading an `ACL GETUSER` rule list (Redis 6, no DRYRUN). */
const CATEGORIES: Record<string, string[]> = {
  xadd: ['write', 'stream', 'fast'],
  xack: ['write', 'stream', 'fast'],
  xclaim: ['write', 'stream', 'fast'],
  hset: ['write', 'hash', 'fast'],
  eval: ['slow', 'scripting'],
  del: ['keyspace', 'write', 'slow'],
  xtrim: ['write', 'stream', 'slow'],
  xgroup: ['write', 'stream', 'slow'],
  'xgroup|destroy': ['write', 'stream', 'slow'],
};

/** Whether an ACL rule list (`-@all +@read +xadd …`, applied in order) allows `command` (`xgroup|destroy`). */
export function aclRulesAllow(rules: string, command: string): boolean {
  const name = command.toLowerCase();
  const parent = name.split('|')[0]!;
  const categories = CATEGORIES[name] ?? CATEGORIES[parent] ?? [];
  let allowed = false;
  for (const token of rules.split(/\s+/)) {
    const sign = token[0];
    if (sign !== '+' && sign !== '-') {
      if (token === 'allcommands') allowed = true;
      else if (token === 'nocommands') allowed = false;
      continue;
    }
    const what = token.slice(1).toLowerCase();
    const hits = what === '@all' || (what.startsWith('@') && categories.includes(what.slice(1))) || what === name || what === parent;
    if (hits) allowed = sign === '+';
  }
  return allowed;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);

/**
 * The Redis user's role: `ACL WHOAMI`, then `ACL DRYRUN` of what operators and admins send
 * (Redis 7), or the user's rules from `ACL GETUSER` (Redis 6). Without ACL or the right to read
 * it: unknown, assumed admin.
 */
export async function redisRoleCap(client: RedisCaller, namespace: string): Promise<RoleCap> {
  const assumed = (why: string): RoleCap => ({ broker: 'redis', role: 'admin', known: false, reason: `Redis: unknown, assumed admin — ${why}; Redis still refuses what the user may not do` });
  let user: string;
  try {
    user = String(await client.call('ACL', 'WHOAMI'));
  } catch (error) {
    const text = message(error);
    return assumed(/unknown command/i.test(text) ? 'this server has no ACL (before Redis 6)' : `the user may not run ACL WHOAMI (${text})`);
  }
  const probes = redisProbes(namespace);
  let denied: { operate: string[]; administer: string[] };
  let how: string;
  try {
    const check = async (commands: string[][]) => {
      const refused: string[] = [];
      for (const command of commands) {
        const answer = String(await client.call('ACL', 'DRYRUN', user, ...command));
        if (answer !== 'OK') refused.push(command[0] === 'XGROUP' ? 'XGROUP DESTROY' : command[0]!);
      }
      return refused;
    };
    denied = { operate: await check(probes.operate), administer: await check(probes.administer) };
    how = 'ACL DRYRUN';
  } catch (dryrunError) {
    try {
      const reply = (await client.call('ACL', 'GETUSER', user)) as unknown[] | null;
      if (!reply) return assumed(`ACL GETUSER knows no user "${user}"`);
      const at = reply.findIndex((item) => String(item) === 'commands');
      const rules = String(reply[at + 1] ?? '');
      const refused = (commands: string[][]) => commands.filter((c) => !aclRulesAllow(rules, c[0] === 'XGROUP' ? 'xgroup|destroy' : c[0]!)).map((c) => (c[0] === 'XGROUP' ? 'XGROUP DESTROY' : c[0]!));
      denied = { operate: refused(probes.operate), administer: refused(probes.administer) };
      how = `ACL GETUSER: ${rules.slice(0, 120)}`;
    } catch (getuserError) {
      return assumed(`user "${user}" may not run ACL DRYRUN (${message(dryrunError)}) nor ACL GETUSER (${message(getuserError)})`);
    }
  }
  if (denied.operate.length) return { broker: 'redis', role: 'viewer', known: true, reason: `Redis user "${user}" allows viewer: may not ${denied.operate.join(', ')} (${how})` };
  if (denied.administer.length) return { broker: 'redis', role: 'operator', known: true, reason: `Redis user "${user}" allows operator: may not ${denied.administer.join(', ')} (${how})` };
  return { broker: 'redis', role: 'admin', known: true, reason: `Redis user "${user}" allows admin (${how})` };
}

/** The management API calls the RabbitMQ probe needs. */
export interface RabbitPermissionsSource {
  whoami(): Promise<{ name: string; tags: string[] }>;
  permissions(vhost: string, user: string): Promise<{ configure: string; write: string; read: string } | null>;
}

/** Whether a RabbitMQ permission pattern (unanchored regex, '' for none) matches any of `names`. */
function grants(pattern: string, names: readonly string[]): boolean {
  if (pattern === '') return false;
  try {
    const re = new RegExp(pattern);
    return names.some((n) => re.test(n));
  } catch {
    return false;
  }
}

/**
 * The AMQP user's role from the management API: `/api/whoami` (the management user and its tags)
 * and `/api/permissions/<vhost>/<user>`. No write on the Watchfloor exchange or queues: viewer;
 * write but no configure: operator; both: admin. When the API cannot say (none configured, the
 * management user is not an administrator): unknown, assumed admin.
 */
export async function rabbitRoleCap(api: RabbitPermissionsSource | null, amqpUser: string, vhost: string, namespace: string): Promise<RoleCap> {
  const assumed = (why: string): RoleCap => ({ broker: 'rabbitmq', role: 'admin', known: false, reason: `RabbitMQ: unknown, assumed admin — ${why}; RabbitMQ still refuses what the user may not do` });
  if (!api) return assumed('no management API configured to read the permissions from');
  let me: { name: string; tags: string[] };
  try {
    me = await api.whoami();
  } catch (error) {
    return assumed(`the management API did not answer /api/whoami (${message(error)})`);
  }
  const tags = me.tags.length ? me.tags.join(', ') : 'no tags';
  let permissions: { configure: string; write: string; read: string } | null;
  try {
    permissions = await api.permissions(vhost, amqpUser);
  } catch (error) {
    return assumed(`management user "${me.name}" (${tags}) may not read the permissions of "${amqpUser}" (${message(error)})`);
  }
  if (!permissions) return { broker: 'rabbitmq', role: 'viewer', known: true, reason: `RabbitMQ user "${amqpUser}" has no permissions on vhost ${vhost} (management API)` };
  const topology = topologyFor(namespace);
  const queues = topology.queues.flatMap((q) => [q.name, q.deadLetterQueue]);
  const canWrite = grants(permissions.write, [topology.exchange, ...queues]);
  const canConfigure = grants(permissions.configure, queues);
  const summary = `configure "${permissions.configure}", write "${permissions.write}", read "${permissions.read}" on vhost ${vhost}; tags of "${me.name}": ${tags}`;
  if (!canWrite) return { broker: 'rabbitmq', role: 'viewer', known: true, reason: `RabbitMQ user "${amqpUser}" allows viewer: may not write to the Watchfloor exchange or queues (${summary})` };
  if (!canConfigure) return { broker: 'rabbitmq', role: 'operator', known: true, reason: `RabbitMQ user "${amqpUser}" allows operator: may not configure (delete) the Watchfloor queues (${summary})` };
  return { broker: 'rabbitmq', role: 'admin', known: true, reason: `RabbitMQ user "${amqpUser}" allows admin (${summary})` };
}
