import { describe, expect, it } from 'vitest';
import { addVerdict, checkEntry, checkRabbitEntry, emptyCheck, mergeCheck, MAX_LISTED_FAILURES } from '../../electron/core/dead-letters/replay-check';
import { createRandom, securityEvent, securityScan } from '../../electron/core/demo/message-factory';
import { encryptPayload } from '../../electron/core/payload-crypto';
import { describeCheck } from '../../shared/model/dead-letter';

const ns = 'acme:';
const options = { namespace: ns, payloadKey: null };
const random = createRandom(7);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('the event check of a replay (issue 21.7)', () => {
  it('passes a seed event and names the routing rules it meets', () => {
    const event = { ...securityEvent(random, Date.now()), severity: 'critical' };
    const verdict = checkEntry(`${ns}security.events`, json(event), options);
    expect(verdict.verdict).toBe('passes');
    expect(verdict.verdict === 'passes' && verdict.routes).toContain('critical_events');
  });

  it('fails an event the processor would dead-letter again, with its reason', () => {
    const event = { ...securityEvent(random, Date.now()), severity: 'urgent' };
    const verdict = checkEntry(`${ns}security.events`, json(event), options);
    expect(verdict).toMatchObject({ verdict: 'fails', target: `${ns}security.events` });
    expect(verdict.verdict === 'fails' && verdict.reason).toMatch(/severity/);
    expect(checkEntry(`${ns}security.events`, Buffer.from('{not json'), options)).toMatchObject({ verdict: 'fails', reason: expect.stringMatching(/not JSON/) });
    expect(checkEntry(`${ns}security.events`, null, options)).toMatchObject({ verdict: 'fails' });
  });

  it('checks the other pipeline streams against their seed schema', () => {
    expect(checkEntry(`${ns}security.scans`, json(securityScan(random, Date.now())), options).verdict).toBe('passes');
    expect(checkEntry(`${ns}security.scans`, json({ scan_id: 'x' }), options).verdict).toBe('fails');
  });

  it('does not check a stream no processor reads, nor one outside the namespace, and says so', () => {
    expect(checkEntry(`${ns}custom.stream`, json({}), options)).toMatchObject({ verdict: 'unchecked', reason: expect.stringMatching(/no pipeline processor/) });
    expect(checkEntry('other:security.events', json({}), options).verdict).toBe('unchecked');
  });

  it('opens an encrypted payload with the environment key as the workers do, and fails one the key cannot open', () => {
    const key = Buffer.alloc(32, 3);
    const sealed = encryptPayload(json(securityEvent(random, Date.now())), key);
    expect(checkEntry(`${ns}security.events`, sealed, { namespace: ns, payloadKey: key }).verdict).toBe('passes');
    expect(checkEntry(`${ns}security.events`, sealed, { namespace: ns, payloadKey: Buffer.alloc(32, 4) })).toMatchObject({ verdict: 'fails', reason: expect.stringMatching(/decrypt/) });
  });

  it('counts exactly and lists at most the first failures; the line says what would fail', () => {
    const total = emptyCheck();
    for (let part = 0; part < 2; part++) {
      const check = emptyCheck();
      for (let i = 0; i < 80; i++) addVerdict(check, `${part}-${i}`, { verdict: 'fails', target: 't', reason: 'severity: bad' });
      addVerdict(check, `ok-${part}`, { verdict: 'passes', target: 't', routes: ['critical_events'] });
      mergeCheck(total, check);
    }
    expect(total).toMatchObject({ fails: 160, passes: 2, unchecked: 0, routes: { critical_events: 2 } });
    expect(total.failures).toHaveLength(MAX_LISTED_FAILURES);
    expect(describeCheck(total)).toBe('160 would fail again (severity: bad, …); 2 pass the event check (routes: critical_events 2)');
  });
});

describe('checkRabbitEntry: the RabbitMQ dry run runs the seed 002 consumer schema (issue 21.7)', () => {
  const alert = { system_id: 7, alert_type: 'cpu_high', severity: 'critical', value: 97.5, threshold: 95, timestamp: '2026-12-06T04:00:00Z' };
  it('passes a valid alert_queue message, names what is wrong with an invalid one, leaves other queues unchecked', () => {
    expect(checkRabbitEntry('p:alert_queue', Buffer.from(JSON.stringify(alert)), { namespace: 'p:' })).toEqual({ verdict: 'passes', target: 'p:alert_queue', routes: [] });
    expect(checkRabbitEntry('p:alert_queue', Buffer.from(JSON.stringify({ ...alert, severity: 'high' })), { namespace: 'p:' })).toMatchObject({ verdict: 'fails', reason: expect.stringMatching(/^schema: severity /) });
    expect(checkRabbitEntry('p:metrics_queue', Buffer.from('{oops'), { namespace: 'p:' })).toMatchObject({ verdict: 'fails', reason: 'not JSON' });
    expect(checkRabbitEntry('q:alert_queue', Buffer.from(JSON.stringify(alert)), { namespace: 'p:' }).verdict).toBe('unchecked');
    expect(checkRabbitEntry('p:work', Buffer.from('{}'), { namespace: 'p:' }).verdict).toBe('unchecked');
  });
});
