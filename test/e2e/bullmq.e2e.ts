import { EnvironmentsPage, expect, OverviewPage, shot, test } from './fixtures';

test('an analyst sees the demo BullMQ queues with their counts and chart, pauses one and resumes it', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(app.openUrl);
  const overview = new OverviewPage(page);
  await expect(overview.redisStatus('local')).toContainText(/connected/i);
  await overview.startDemo('local', 100);
  await page.getByTestId('nav-queues').click();

  const panel = page.getByTestId('bull-env-local');
  const ingress = panel.getByTestId('bull-row-ingress-events');
  await expect(ingress).toBeVisible({ timeout: 30_000 });
  for (const name of ['orchestration-flows', 'integration-tasks', 'notifications', 'analytics-events']) await expect(panel.getByTestId(`bull-row-${name}`)).toBeVisible();
  await expect(panel.getByTestId('bull-row-ingress-events-dlq')).toContainText('DLQ');
  const count = async (row: string, cell: string) => Number((await panel.getByTestId(`bull-row-${row}`).getByTestId(`bull-${cell}`).innerText()).replace(/[^0-9]/g, ''));
  await expect.poll(() => count('ingress-events', 'waiting'), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(() => count('ingress-events', 'delayed'), { timeout: 30_000 }).toBeGreaterThan(0);
  // The demo's notifications worker completes most jobs and fails a few.
  await expect.poll(() => count('notifications', 'completed'), { timeout: 30_000 }).toBeGreaterThan(0);

  await ingress.click();
  const detail = panel.getByTestId('bull-detail');
  await expect(detail.getByTestId('bull-chart').locator('.recharts-line').first()).toBeAttached({ timeout: 20_000 });
  await expect.poll(() => detail.getByTestId('bull-chart').getAttribute('data-last'), { timeout: 20_000 }).not.toBe('');
  await page.screenshot({ path: shot('bullmq.png') });

  await detail.getByTestId('bull-pause').click();
  await page.getByTestId('action-confirm').click();
  await expect(detail.getByTestId('bull-result')).toContainText('ingress-events paused');
  await expect(ingress.getByTestId('bull-paused')).toBeVisible({ timeout: 15_000 });
  await detail.getByTestId('bull-resume').click();
  await page.getByTestId('action-confirm').click();
  await expect(detail.getByTestId('bull-result')).toContainText('ingress-events resumed');
  await expect(ingress.getByTestId('bull-paused')).toHaveCount(0, { timeout: 15_000 });

  // Drain waits for the exact name.
  await detail.getByTestId('bull-drain').click();
  await expect(page.getByTestId('action-confirm')).toBeDisabled();
  await page.getByTestId('bull-drain-confirm').fill('ingress-events');
  await expect(page.getByTestId('action-confirm')).toBeEnabled();
  await page.getByTestId('action-cancel').click();
  expect(errors).toEqual([]);
});

test('on a read-only environment the BullMQ actions are disabled and say why', async ({ page, app }) => {
  await page.goto(app.openUrl);
  await new OverviewPage(page).startDemo('local', 20);
  const environments = new EnvironmentsPage(page);
  await environments.addProduction({ name: 'Prod RO', redisUrl: 'redis://127.0.0.1:6379' }, app.namespace);
  await page.getByTestId('nav-queues').click();
  const readOnly = page.locator('[data-testid^="bull-env-"]').filter({ hasText: 'Prod RO' });
  await expect(readOnly).toContainText('READ-ONLY');
  await readOnly.getByTestId('bull-row-ingress-events').click({ timeout: 30_000 });
  const detail = readOnly.getByTestId('bull-detail');
  for (const action of ['bull-pause', 'bull-clean', 'bull-drain']) await expect(detail.getByTestId(action)).toBeDisabled();
  await expect(detail.getByTestId('bull-blocked')).toContainText('Prod RO is read-only');
});

