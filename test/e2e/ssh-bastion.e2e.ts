import { OwnSshd, hasSshd } from '../helpers/sshd';
import { EnvironmentsPage, expect, shot, test } from './fixtures';

// Issue 18: an analyst adds an environment behind a bastion in the form, checks and trusts its
// host key, and the console then reaches Redis through it.
test.describe('an environment behind an SSH bastion, from the form', () => {
  test.skip(!hasSshd, 'openssh-server is not installed');
  let sshd: OwnSshd | undefined;

  test.beforeAll(async () => {
    sshd = await OwnSshd.start();
  });
  test.afterAll(async () => {
    await sshd?.stop();
  });

  test('Test connection shows the bastion’s key to trust; trusted and saved, Redis is reached through the tunnel', async ({ page, app }) => {
    test.setTimeout(120_000);
    const bastion = sshd!;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(app.openUrl);
    await expect(page.getByTestId('env-card-local')).toBeVisible();

    const environments = new EnvironmentsPage(page);
    await environments.open();
    await environments.add({ name: 'Behind bastion', redisUrl: 'redis://127.0.0.1:6379' });
    await page.getByTestId('env-namespace').fill(app.namespace);
    await page.getByTestId('env-ssh-host').fill('127.0.0.1');
    await page.getByTestId('env-ssh-port').fill(String(bastion.port));
    await page.getByTestId('env-ssh-user').fill(bastion.user);
    await page.getByTestId('env-ssh-auth').selectOption('key');
    await page.getByTestId('env-ssh-key-file').fill(bastion.key.file);

    // First test: the key is neither pinned nor known, so the test names it and offers to trust it.
    await page.getByTestId('env-test').click();
    await expect(page.getByTestId('test-result-ssh')).toHaveAttribute('data-ok', 'false');
    await expect(page.getByTestId('test-result-ssh')).toContainText(bastion.hostKeyFingerprint);
    await expect(page.getByTestId('test-ssh-trust-button')).toContainText(`Trust the bastion's key ${bastion.hostKeyFingerprint}`);
    await page.screenshot({ path: shot('ssh-trust.png') });
    await page.getByTestId('test-ssh-trust-button').click();
    await expect(page.getByTestId('env-ssh-host-key')).toHaveValue(bastion.hostKeyFingerprint);

    // Tested again with the pin: the hop and Redis behind it answer.
    const before = bastion.log.length;
    await page.getByTestId('env-test').click();
    await expect(page.getByTestId('test-result-ssh')).toHaveAttribute('data-ok', 'true');
    await expect(page.getByTestId('test-result-redis')).toHaveAttribute('data-ok', 'true');
    expect(bastion.log.slice(before)).toMatch(/to 127\.0\.0\.1 port 6379\b/);
    await page.getByTestId('env-save').click();
    await expect(page.getByTestId('form-error')).toHaveCount(0);
    await expect(page.getByTestId('env-form')).toHaveCount(0);

    // The overview: the new environment's Redis is connected, through the bastion.
    await page.getByTestId('nav-overview').click();
    const card = page.locator('article[data-testid^="env-card-"]', { has: page.getByRole('heading', { name: 'Behind bastion', exact: true }) });
    await expect(card.locator('[data-testid^="redis-status-"]')).toContainText('Connected');
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('ssh-connected.png') });
    expect(errors).toEqual([]);
  });
});
