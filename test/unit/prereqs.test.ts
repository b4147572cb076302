import { describe, expect, it } from 'vitest';
import { asTyped, connectProblem, failureLine, maskUrl, prerequisiteReport, requirements, setting, type ProbeOutcome, type Requirement } from '../prereqs/requirements';

const byId = (env: Record<string, string | undefined>, id: Requirement['id']) => requirements(env).find((r) => r.id === id)!;
const failed = (problem: string, extra: Partial<Extract<ProbeOutcome, { ok: false }>> = {}): Extract<ProbeOutcome, { ok: false }> => ({ ok: false, problem, ...extra });

describe('prerequisites of npm test', () => {
  it('looks where the variables say, else at the defaults, and never prints a password', () => {
    expect(setting({}, 'POSTGRES_URL')).toBe('postgres://postgres@127.0.0.1:5432/watchfloor_test');
    expect(setting({ CHROMIUM_PATH: '' }, 'CHROMIUM_PATH')).toBe('/usr/bin/chromium');
    expect(byId({ CHROMIUM_PATH: '/opt/chromium' }, 'chromium').where).toBe('/opt/chromium');
    expect(byId({}, 'rabbitmq').where).toBe('amqp://guest:***@127.0.0.1:5672');
    expect(maskUrl('redis://:s3cret@10.0.0.5:6379')).not.toContain('s3cret');
    expect(requirements({}).map((r) => r.id)).toEqual(['redis', 'rabbitmq', 'management', 'postgres', 'chromium', 'sshd', 'redis-server', 'pg-server']);
  });

  it('the management plugin and Chromium missing: one line each naming what, where, the variable and the Debian fix', () => {
    const env = { MANAGEMENT_URL: 'http://127.0.0.1:59999', CHROMIUM_PATH: '/nowhere/chromium' };
    const report = prerequisiteReport(
      [
        { requirement: byId(env, 'redis'), outcome: { ok: true } },
        { requirement: byId(env, 'management'), outcome: failed('nothing listening (connection refused)') },
        { requirement: byId(env, 'chromium'), outcome: failed('no executable file there') },
      ],
      false,
      120,
    );
    expect(report.ok).toBe(false);
    expect(report.lines).toHaveLength(4);
    expect(report.lines[0]).toContain('2 things');
    expect(report.lines[1]).toBe('  ✗ RabbitMQ management API at http://127.0.0.1:59999 (MANAGEMENT_URL): nothing listening (connection refused) — fix: sudo rabbitmq-plugins enable rabbitmq_management');
    expect(report.lines[2]).toBe('  ✗ Chromium (end-to-end tests) at /nowhere/chromium (CHROMIUM_PATH): no executable file there — fix: sudo apt-get install -y chromium');
    expect(report.lines[3]).toContain('npm run setup');
  });

  it('all there: ok, one line', () => {
    const report = prerequisiteReport(requirements({}).map((requirement) => ({ requirement, outcome: { ok: true } as const })), false, 1234);
    expect(report).toEqual({ ok: true, lines: ['prerequisites ok (redis, rabbitmq, management, postgres, chromium, sshd, redis-server, pg-server) in 1.2 s'] });
  });

  it('installs before starting only what is not installed; root types no sudo', () => {
    const redis = byId({}, 'redis');
    expect(failureLine(redis, failed('nothing listening (connection refused)', { isInstalled: true }), true)).toMatch(/— fix: redis-server --daemonize yes .*--save "" /);
    expect(failureLine(redis, failed('nothing listening (connection refused)', { isInstalled: false }), true)).toContain('— fix: apt-get install -y redis-server && redis-server --daemonize yes');
    expect(asTyped('apt-get install -y postgresql && pg_ctlcluster 15 main start', false)).toBe('sudo apt-get install -y postgresql && sudo pg_ctlcluster 15 main start');
  });

  it('a broker on another machine or a wrong password is not fixed by installing anything here', () => {
    const remote = byId({ REDIS_URL: 'redis://10.0.0.5:6379' }, 'redis');
    expect(failureLine(remote, failed('no answer within 3 s'), false)).toContain('fix: start it there, or point REDIS_URL at one that runs');
    const amqp = byId({}, 'rabbitmq');
    expect(failureLine(amqp, failed('the broker refused the user and password', { fix: 'put the right user and password in AMQP_URL' }), false)).toMatch(/fix: put the right user and password in AMQP_URL$/);
  });

  it('words connection failures the way an operator reads them', () => {
    expect(connectProblem(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 3000)).toBe('nothing listening (connection refused)');
    expect(connectProblem(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }), 3000)).toBe('nothing listening (connection refused)');
    expect(connectProblem(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), 3000)).toBe('no answer within 3 s');
    expect(connectProblem({ code: 'ENOTFOUND' }, 3000)).toBe('host name not found');
  });
});
