import { describe, expect, it } from 'vitest';
import { aclRulesAllow, combineRoles, rabbitRoleCap } from '../../electron/core/environments/credential-role';

describe('roles from credentials (pure parts)', () => {
  it('takes the lower of the profile role and every cap, reasons in order', () => {
    expect(combineRoles('admin', [{ broker: 'redis', role: 'operator', known: true, reason: 'r' }, { broker: 'rabbitmq', role: 'admin', known: false, reason: 'q' }])).toEqual({ role: 'operator', profileRole: 'admin', reasons: ['profile: admin', 'r', 'q'] });
    // The profile can only narrow: a viewer profile stays viewer on an admin user.
    expect(combineRoles('viewer', [{ broker: 'redis', role: 'admin', known: true, reason: 'r' }]).role).toBe('viewer');
  });

  it('reads Redis 6 ACL rule lists in order', () => {
    expect(aclRulesAllow('-@all +@read', 'xadd')).toBe(false);
    expect(aclRulesAllow('+@all -del', 'del')).toBe(false);
    expect(aclRulesAllow('+@all -del', 'xadd')).toBe(true);
    expect(aclRulesAllow('-@all +@write', 'xgroup|destroy')).toBe(true);
    expect(aclRulesAllow('+@all -xgroup|destroy', 'xgroup|destroy')).toBe(false);
    expect(aclRulesAllow('allcommands -@scripting', 'eval')).toBe(false);
  });

  it('maps RabbitMQ permissions to a role, and says when it cannot know', async () => {
    const api = (p: { configure: string; write: string; read: string } | null) => ({ whoami: async () => ({ name: 'admin', tags: ['administrator'] }), permissions: async () => p });
    expect((await rabbitRoleCap(api({ configure: '.*', write: '.*', read: '.*' }), 'u', '/', '')).role).toBe('admin');
    expect((await rabbitRoleCap(api({ configure: '^$', write: '.*', read: '.*' }), 'u', '/', '')).role).toBe('operator');
    expect((await rabbitRoleCap(api({ configure: '', write: '^$', read: '.*' }), 'u', '/', '')).role).toBe('viewer');
    expect((await rabbitRoleCap(api(null), 'u', '/', '')).reason).toContain('no permissions');
    const refused = { whoami: async () => ({ name: 'u', tags: [] }), permissions: async () => Promise.reject(new Error('management API: HTTP 403 Forbidden')) };
    expect(await rabbitRoleCap(refused, 'u', '/', '')).toMatchObject({ role: 'admin', known: false, reason: expect.stringMatching(/^RabbitMQ: unknown, assumed admin — management user "u" \(no tags\) may not read/) });
    expect((await rabbitRoleCap(null, 'u', '/', '')).reason).toContain('no management API');
  });
});
