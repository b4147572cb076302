import { expect, EnvironmentsPage, shot, test } from './fixtures';

/** The environment form's masked fields (issue 20): what `env add --mask` does, in the window. */
test('an analyst sets an environment\'s masked fields in its form: defaults off and on, a path added, a bad one named, a rule removed', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 1400 });
  await page.goto(app.openUrl);
  const environments = new EnvironmentsPage(page);
  await environments.open();
  await environments.add({ name: 'Masked desk', redisUrl: 'redis://127.0.0.1:6379' });
  await page.getByTestId('env-namespace').fill(app.namespace);
  const masking = page.getByTestId('env-masking');
  // A new environment starts with the seed defaults.
  await expect(masking.getByTestId('env-mask-defaults')).toBeChecked();
  await expect(masking.getByTestId('env-mask-rule-**.credentials.**')).toContainText('default');
  await masking.getByTestId('env-mask-defaults').uncheck();
  await expect(masking.getByTestId('env-mask-none')).toContainText('Nothing is masked');
  await masking.getByTestId('env-mask-defaults').check();

  await masking.getByTestId('env-mask-path').fill('payment..card');
  await masking.getByTestId('env-mask-add').click();
  await expect(masking.getByTestId('env-mask-error')).toContainText('a mask path is keys, * and **');
  await masking.getByTestId('env-mask-path').fill('**.card_number');
  await masking.getByTestId('env-mask-add').click();
  await expect(masking.getByTestId('env-mask-error')).toHaveCount(0);
  await masking.getByTestId('env-mask-kind').selectOption('ip');
  await masking.getByTestId('env-mask-path').fill('**.net.**');
  await masking.getByTestId('env-mask-path').press('Enter');
  await masking.getByTestId('env-mask-kind').selectOption('email');
  await masking.getByTestId('env-mask-add').click();
  await expect(masking.getByTestId('env-mask-error')).toContainText('email is masked already');
  await expect(masking.getByTestId('env-mask-rule-ip@**.net.**')).toBeVisible();
  await masking.scrollIntoViewIfNeeded();
  await masking.screenshot({ path: shot('masking-env-form.png') });
  await masking.getByTestId('env-mask-remove-ip@**.net.**').click();
  await expect(masking.getByTestId('env-mask-rule-ip@**.net.**')).toHaveCount(0);
  await page.getByTestId('env-save').click();
  await expect(page.getByTestId('form-error')).toHaveCount(0);

  // Saved by the host: the edit form shows the defaults and the added path, removable.
  await page.locator('[data-testid^="env-row-"]').filter({ hasText: 'Masked desk' }).locator('[data-testid^="env-edit-"]').click();
  await expect(page.getByTestId('env-name')).toHaveValue('Masked desk');
  const saved = page.getByTestId('env-masking');
  await expect(saved.getByTestId('env-mask-defaults')).toBeChecked();
  await expect(saved.getByTestId('env-mask-remove-**.card_number')).toBeVisible();
  await expect(saved.getByTestId('env-mask-rule-ip@**.net.**')).toHaveCount(0);
  expect(errors).toEqual([]);
});
