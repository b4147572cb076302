import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENVIRONMENT_PALETTE, EnvironmentInput } from '../../shared/model/environment';
import { EnvironmentService } from '../../electron/core/environments/environment-service';
import { FileSecretStore } from '../../electron/core/environments/file-secret-store';
import { ProfileStore } from '../../electron/core/environments/profile-store';
import { resolveConfigHome } from '../../electron/core/environments/config-home';
import { Redactor } from '../../electron/core/redaction';
import { tempHome } from '../helpers/brokers';

const homes: { cleanup: () => void }[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

async function service() {
  const home = tempHome();
  homes.push(home);
  const secrets = new FileSecretStore(home.dir);
  const redactor = new Redactor();
  const envs = new EnvironmentService(new ProfileStore(home.dir), secrets, redactor);
  await envs.init();
  return { envs, secrets, redactor, dir: home.dir };
}

const mode = (file: string) => statSync(file).mode & 0o777;

describe('EnvironmentService', () => {
  it('creates Local on first start, with its AMQP password in the secret store only', async () => {
    const { envs, dir } = await service();
    const [local] = await envs.views();
    expect(local).toMatchObject({
      id: 'local', name: 'Local',
      redis: { url: 'redis://127.0.0.1:6379', hasPassword: false },
      amqp: { url: 'amqp://guest@127.0.0.1:5672', hasPassword: true },
    });
    const resolved = await envs.resolve('local');
    expect(resolved.amqp!.url).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(mode(path.join(dir, 'environments.json'))).toBe(0o600);
    expect(mode(path.join(dir, 'secret.key'))).toBe(0o600);
    expect(mode(path.join(dir, 'secrets.json'))).toBe(0o600);
  });

  it('gives each new environment the first palette colour no other has, and keeps a colour on an edit (issue 21.9)', async () => {
    const { envs } = await service();
    const staging = await envs.add(EnvironmentInput.parse({ name: 'Staging', redis: { url: 'redis://127.0.0.1:6379' } }));
    const prod = await envs.add(EnvironmentInput.parse({ name: 'Prod', redis: { url: 'redis://127.0.0.1:6379' } }));
    const chosen = await envs.add(EnvironmentInput.parse({ name: 'Lab', colour: '#123456', redis: { url: 'redis://127.0.0.1:6379' } }));
    expect([staging.colour, prod.colour]).toEqual([ENVIRONMENT_PALETTE[1], ENVIRONMENT_PALETTE[2]]); // Local has the first
    expect(chosen.colour).toBe('#123456');
    const edited = await envs.update(prod.id, EnvironmentInput.parse({ name: 'Prod EU', redis: { url: 'redis://127.0.0.1:6379' } }));
    expect(edited.colour).toBe(ENVIRONMENT_PALETTE[2]);
  });

  it('moves passwords out of URLs into the secret store, never into the profile file or the view', async () => {
    const { envs, dir, redactor } = await service();
    const view = await envs.add(EnvironmentInput.parse({
      name: 'Prod EU', production: true,
      redis: { url: 'rediss://ops:r3dis-pw@redis.prod:6380/1' },
      amqp: { url: 'amqps://svc:amqp-pw@mq.prod/%2Fsoc' },
      managementUrl: 'https://mq.prod:15671',
    }));
    expect(view).toMatchObject({ id: 'prod-eu', production: true, redis: { url: 'rediss://redis.prod:6380/1', username: 'ops', hasPassword: true, tls: true }, amqp: { url: 'amqps://svc@mq.prod//soc'.replace('//soc', '/%2Fsoc'), hasPassword: true } });
    const onDisk = readFileSync(path.join(dir, 'environments.json'), 'utf8') + readFileSync(path.join(dir, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('r3dis-pw');
    expect(onDisk).not.toContain('amqp-pw');
    expect(JSON.stringify(view)).not.toContain('pw');
    const resolved = await envs.resolve('prod-eu');
    expect(resolved.redis).toMatchObject({ host: 'redis.prod', port: 6380, db: 1, username: 'ops', password: 'r3dis-pw', tls: true });
    expect(resolved.amqp).toMatchObject({ vhost: '/soc', password: 'amqp-pw', tls: true });
    expect(resolved.management).toMatchObject({ baseUrl: 'https://mq.prod:15671', username: 'svc', password: 'amqp-pw' });
    expect(redactor.redact('oops r3dis-pw')).toBe('oops ***');
  });

  it('keeps, replaces or clears a password on update, and refuses duplicate names', async () => {
    const { envs } = await service();
    await envs.add(EnvironmentInput.parse({ name: 'Stage', redis: { url: 'redis://h:1', password: 'one' } }));
    await envs.update('stage', EnvironmentInput.parse({ name: 'Stage', redis: { url: 'redis://h:2' } }));
    expect((await envs.resolve('stage')).redis!.password).toBe('one');
    await envs.update('stage', EnvironmentInput.parse({ name: 'Stage', redis: { url: 'redis://h:2', password: 'two' } }));
    expect((await envs.resolve('stage')).redis!.password).toBe('two');
    await envs.update('stage', EnvironmentInput.parse({ name: 'Stage', redis: { url: 'redis://h:2', password: null } }));
    expect((await envs.resolve('stage')).redis!.password).toBe('');
    await expect(envs.add(EnvironmentInput.parse({ name: 'stage' }))).rejects.toMatchObject({ code: 'CONFLICT' });
    await envs.remove('stage');
    expect(envs.list().map((e) => e.id)).toEqual(['local']);
  });

  it('survives a restart: the second instance reads what the first wrote', async () => {
    const { envs, dir } = await service();
    await envs.add(EnvironmentInput.parse({ name: 'Lab', amqp: { url: 'amqp://u:pw@lab' } }));
    const again = new EnvironmentService(new ProfileStore(dir), new FileSecretStore(dir), new Redactor());
    await again.init();
    expect(again.find('lab').name).toBe('Lab');
    expect((await again.resolve(again.find('LAB').id)).amqp!.password).toBe('pw');
  });
});

describe('FileSecretStore', () => {
  it('seals values: the data file holds no plaintext and cannot be read without the key', async () => {
    const home = tempHome();
    homes.push(home);
    const store = new FileSecretStore(home.dir);
    await Promise.all([store.set('a', 'alpha-secret'), store.set('b', 'beta-secret')]);
    expect(await store.get('a')).toBe('alpha-secret');
    expect(await store.get('b')).toBe('beta-secret');
    expect(readFileSync(path.join(home.dir, 'secrets.json'), 'utf8')).not.toContain('secret');
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
  });
});

describe('config home', () => {
  it('honours WATCHFLOOR_HOME and otherwise matches Electron userData per platform', () => {
    expect(resolveConfigHome({ WATCHFLOOR_HOME: '/x/y' }, 'linux')).toBe('/x/y');
    expect(resolveConfigHome({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Watchfloor');
    expect(resolveConfigHome({ APPDATA: 'C:\\AppData' }, 'win32')).toContain('Watchfloor');
    expect(resolveConfigHome({}, 'darwin')).toMatch(/Library\/Application Support\/Watchfloor$/);
  });
});
