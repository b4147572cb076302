import { describe, expect, it } from 'vitest';
import { EnvironmentInput } from '../../../shared/model/environment';
import { formValuesFrom, inputFromFormValues } from '../../../renderer/src/features/environments/environment-form.logic';
import { ENVIRONMENT_PALETTE, nextColour } from '../../../shared/model/environment';
import { environmentView } from './fixtures';

describe('environment form', () => {
  it('starts empty for a new environment, with the default colour', () => {
    const values = formValuesFrom(null);
    expect(values).toMatchObject({ name: '', colour: ENVIRONMENT_PALETTE[0], production: false, redisUrl: '', amqpUrl: '', managementUrl: '' });
    // A second environment does not look like the first (issue 21.9): the next free palette colour.
    expect(formValuesFrom(null, [{ colour: '#2F81F7' }]).colour).toBe(ENVIRONMENT_PALETTE[1]);
    expect(nextColour([ENVIRONMENT_PALETTE[0], ENVIRONMENT_PALETTE[2]])).toBe(ENVIRONMENT_PALETTE[1]);
    expect(nextColour([...ENVIRONMENT_PALETTE, '#000000'])).toBe(ENVIRONMENT_PALETTE[1]);
  });

  it('prefills an edited environment but never its passwords', () => {
    const values = formValuesFrom(environmentView({ redis: { url: 'redis://h:6379', username: 'ops', hasPassword: true, tls: true } }));
    expect(values).toMatchObject({ redisUrl: 'redis://h:6379', redisUsername: 'ops', redisTls: true, redisPassword: '', amqpPassword: '' });
  });

  it('sends null for a broker whose URL is left empty', () => {
    const input = inputFromFormValues({ ...formValuesFrom(null), name: 'x', redisUrl: '  ', amqpUrl: '', managementUrl: '' });
    expect(input.redis).toBeNull();
    expect(input.amqp).toBeNull();
    expect(input.managementUrl).toBeNull();
  });

  it('keeps a stored password when the field is left empty, clears it on request, replaces it when typed', () => {
    const base = { ...formValuesFrom(null), name: 'x', redisUrl: 'redis://h:6379', amqpUrl: 'amqp://h' };
    expect(inputFromFormValues(base).redis?.password).toBeUndefined();
    expect(inputFromFormValues({ ...base, clearRedisPassword: true }).redis?.password).toBeNull();
    expect(inputFromFormValues({ ...base, redisPassword: ' s3cret ' }).redis?.password).toBe(' s3cret ');
    expect(inputFromFormValues({ ...base, clearAmqpPassword: true }).amqp?.password).toBeNull();
    expect(inputFromFormValues({ ...base, amqpPassword: 'p' }).amqp?.password).toBe('p');
  });

  it('trims names and URLs, and leaves an empty username out', () => {
    const input = inputFromFormValues({ ...formValuesFrom(null), name: ' Prod ', redisUrl: ' redis://h:6379 ', redisUsername: ' ' });
    expect(input.name).toBe('Prod');
    expect(input.redis?.url).toBe('redis://h:6379');
    expect(input.redis?.username).toBeUndefined();
  });

  it('produces what the contract accepts', () => {
    const values = { ...formValuesFrom(null), name: 'Staging', production: true, redisUrl: 'redis://127.0.0.1:6379', amqpUrl: 'amqp://guest@127.0.0.1:5672', managementUrl: 'http://127.0.0.1:15672' };
    const parsed = EnvironmentInput.safeParse(inputFromFormValues(values));
    expect(parsed.success).toBe(true);
  });

  it('round-trips an edited environment unchanged', () => {
    const env = environmentView({ namespace: 'stg.', production: true, colour: '#ff0000', managementUrl: 'http://m:15672' });
    const input = inputFromFormValues(formValuesFrom(env));
    expect(input).toMatchObject({ name: env.name, namespace: 'stg.', production: true, colour: '#ff0000', managementUrl: 'http://m:15672' });
    expect(input.amqp).toEqual({ url: env.amqp?.url, password: undefined });
  });
});

describe('TLS files in the form', () => {
  it('sends only the TLS fields filled in, trimmed, and none when all are empty', () => {
    const values = { ...formValuesFrom(null), name: 'Prod', redisUrl: 'rediss://r:6380', redisTlsFiles: { caFile: ' /etc/ca.pem ', certFile: '', keyFile: '', servername: 'r.internal' } };
    expect(inputFromFormValues(values).redis).toMatchObject({ url: 'rediss://r:6380', tlsFiles: { caFile: '/etc/ca.pem', servername: 'r.internal' } });
    expect(inputFromFormValues({ ...values, redisTlsFiles: { caFile: '', certFile: '', keyFile: '', servername: '' } }).redis).not.toHaveProperty('tlsFiles');
    const amqp = inputFromFormValues({ ...values, amqpUrl: 'amqps://mq', amqpTlsFiles: { caFile: '/ca', certFile: '/c', keyFile: '/k', servername: '' } }).amqp;
    expect(amqp).toMatchObject({ url: 'amqps://mq', tlsFiles: { caFile: '/ca', certFile: '/c', keyFile: '/k' } });
  });
});

describe('Sentinel in the form', () => {
  it('sends the master name and the sentinels as a list, and nothing when both are empty', () => {
    const values = { ...formValuesFrom(null), name: 'HA', redisUrl: 'redis://:pw@x:6379/2', redisSentinelMaster: ' mymaster ', redisSentinelNodes: '10.0.0.5:26379, 10.0.0.6:26379,10.0.0.7:26379' };
    expect(inputFromFormValues(values).redis).toMatchObject({ sentinel: { masterName: 'mymaster', nodes: ['10.0.0.5:26379', '10.0.0.6:26379', '10.0.0.7:26379'] } });
    expect(inputFromFormValues({ ...values, redisSentinelMaster: '', redisSentinelNodes: '' }).redis).not.toHaveProperty('sentinel');
    expect(EnvironmentInput.safeParse(inputFromFormValues(values)).success).toBe(true);
    expect(EnvironmentInput.safeParse(inputFromFormValues({ ...values, redisSentinelNodes: 'no-port' })).success).toBe(false);
  });
});

describe('Cluster in the form', () => {
  it('sends the seed nodes as a list, nothing when empty, and never together with Sentinel', () => {
    const values = { ...formValuesFrom(null), name: 'Cluster', redisUrl: 'redis://:pw@10.0.0.4:6379', redisClusterNodes: '10.0.0.5:6379, 10.0.0.6:6379' };
    expect(inputFromFormValues(values).redis).toMatchObject({ cluster: { nodes: ['10.0.0.5:6379', '10.0.0.6:6379'] } });
    expect(EnvironmentInput.safeParse(inputFromFormValues(values)).success).toBe(true);
    expect(inputFromFormValues({ ...values, redisClusterNodes: ' ' }).redis).not.toHaveProperty('cluster');
    expect(inputFromFormValues({ ...values, redisSentinelMaster: 'mymaster', redisSentinelNodes: '10.0.0.7:26379' }).redis).not.toHaveProperty('cluster');
    expect(formValuesFrom({ redis: { url: 'redis://x', username: '', hasPassword: false, tls: false, cluster: { nodes: ['a:1', 'b:2'] } } } as never).redisClusterNodes).toBe('a:1, b:2');
  });
});
