import { describe, expect, it } from 'vitest';
import { events, TOPIC_NAMES } from '../../shared/contract/events';
import { METHOD_NAMES, methods } from '../../shared/contract/methods';
import { formatBrokerUrl, parseBrokerUrl, redactUrl } from '../../shared/model/broker-url';
import { EnvironmentInput } from '../../shared/model/environment';
import { topologyFor } from '../../shared/model/topology';

describe('contract', () => {
  it('gives every method a params and a result schema, with namespaced names', () => {
    expect(METHOD_NAMES.length).toBeGreaterThan(5);
    for (const name of METHOD_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(typeof methods[name].params.safeParse).toBe('function');
      expect(typeof methods[name].result.safeParse).toBe('function');
    }
    for (const topic of TOPIC_NAMES) expect(typeof events[topic].safeParse).toBe('function');
  });

  it('applies defaults and rejects out-of-range demo rates', () => {
    expect(methods['demo.start'].params.parse({ envId: 'local' }).rate).toBe(20);
    expect(methods['demo.start'].params.safeParse({ envId: 'local', rate: 0 }).success).toBe(false);
    expect(methods['demo.start'].params.safeParse({ envId: 'local', rate: 1e9 }).success).toBe(false);
    expect(methods['demo.start'].params.safeParse({ envId: 'local', rate: 5, extra: 1 }).success).toBe(false);
  });
});

describe('environment input', () => {
  const base = { name: 'Staging', redis: { url: 'redis://10.0.0.5:6380/2' } };

  it('accepts a well-formed profile and fills defaults', () => {
    const parsed = EnvironmentInput.parse(base);
    expect(parsed).toMatchObject({ production: false, namespace: '', amqp: null, managementUrl: null });
    // No colour given: the service picks the first palette colour no other environment has.
    expect(parsed.colour).toBeUndefined();
  });

  it.each([
    [{ ...base, name: '   ' }, 'name is required'],
    [{ ...base, redis: { url: 'http://x:6379' } }, 'unknown scheme "http:"'],
    [{ ...base, redis: { url: 'not a url' } }, 'is not a URL'],
    [{ ...base, redis: { url: 'redis://host:99999' } }, 'out of range'],
    [{ ...base, amqp: { url: 'amqp:/missing-slash' } }, 'not a valid amqp:// URL'],
    [{ ...base, colour: 'red' }, 'colour must look like'],
    [{ ...base, managementUrl: 'ftp://x' }, 'unknown scheme "ftp:"'],
  ])('refuses %j with a clear message', (input, message) => {
    const result = EnvironmentInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join(' ')).toContain(message);
  });
});

describe('broker URLs', () => {
  it('parses credentials, port, path and IPv6 hosts', () => {
    expect(parseBrokerUrl('amqps://ops:p%40ss@mq.example.com:5671/prod', ['amqp', 'amqps'])).toEqual({
      scheme: 'amqps', username: 'ops', password: 'p@ss', host: 'mq.example.com', port: 5671, path: 'prod', query: '',
    });
    expect(parseBrokerUrl('redis://[::1]:6379', ['redis'])).toMatchObject({ host: '[::1]', port: 6379 });
  });

  it('formats back without the password unless asked', () => {
    const parsed = parseBrokerUrl('amqp://guest:guest@127.0.0.1:5672', ['amqp']);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(formatBrokerUrl(parsed)).toBe('amqp://guest@127.0.0.1:5672');
    expect(formatBrokerUrl(parsed, 'guest')).toBe('amqp://guest:guest@127.0.0.1:5672');
  });

  it('redacts passwords inside any text', () => {
    expect(redactUrl('failed to reach redis://u:s3cret@h:1 and amqp://a:b@c')).toBe('failed to reach redis://u:***@h:1 and amqp://a:***@c');
  });
});

describe('topology', () => {
  it('uses the seed names, prefixed by the namespace', () => {
    const plain = topologyFor('');
    expect(plain.streams['security.events']).toEqual({ name: 'security.events', groups: ['event-processors', 'websocket-broadcast', 'alert-engine'] });
    expect(plain.deadLetterStreams).toContain('security.notifications.priority.dlq');
    expect(plain.queues.map((q) => q.bindingKey)).toEqual(['discovery.new', 'metrics.collected', 'alerts.*']);
    const ns = topologyFor('t1:');
    expect(ns.streams['security.alerts']!.name).toBe('t1:security.alerts');
    expect(ns.queues[0]!.deadLetterQueue).toBe('t1:discovery_queue.dlq');
  });
});
