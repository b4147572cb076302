import { expect, shot, startConsole, test } from './fixtures';

test('keyboard triage of a demo alert from open to resolved, seen live by a second console', async ({ page, app, browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1500, height: 900 });
  // A second console: its own process and config home, the same environment (namespace).
  const second = await startConsole({ namespace: app.namespace });
  const other = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  other.on('pageerror', (error) => errors.push(`second console: ${error.message}`));
  try {
    await page.goto(app.openUrl);
    await other.goto(second.console.openUrl);
    await page.getByTestId('nav-alerts').click();
    await other.getByTestId('nav-alerts').click();
    await expect(page.getByTestId('alerts-empty')).toContainText('No alerts');

    // The demo raises an alert from its first critical event.
    await page.getByTestId('nav-overview').click();
    await page.locator('[data-testid^="demo-rate-"]').first().fill('40');
    await page.locator('[data-testid^="demo-start-"]').first().click();
    await page.getByTestId('nav-alerts').click();
    const firstRow = page.locator('[data-testid^="alert-row-"]').first();
    await expect(firstRow).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('nav-overview').click();
    await page.locator('[data-testid^="demo-stop-"]').first().click();
    await page.getByTestId('nav-alerts').click();
    const rowId = (await firstRow.getAttribute('data-testid'))!;
    const row = page.getByTestId(rowId);
    const otherRow = other.getByTestId(rowId);
    await expect(row).toHaveAttribute('data-status', 'open');
    await expect(otherRow).toHaveAttribute('data-status', 'open');
    await expect(page.getByTestId('alerts-badge')).toBeVisible();

    // Keyboard only: go to the alert, open it, acknowledge.
    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcut-help')).toContainText('acknowledge');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('shortcut-help')).toHaveCount(0);
    const position = await page.locator('[data-testid^="alert-row-"]').evaluateAll((rows, id) => rows.findIndex((r) => r.getAttribute('data-testid') === id), rowId);
    for (let i = 0; i < position; i++) await page.keyboard.press('j');
    await expect(row).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('alert-detail')).toBeVisible();
    await expect(page.getByTestId('alert-next')).toContainText('Level 2');
    await page.keyboard.press('a');
    await expect(row).toHaveAttribute('data-status', 'acknowledged');
    await expect(page.getByTestId('alert-timeline')).toContainText('acknowledged');
    // …and the other console sees it without reloading.
    await expect(otherRow).toHaveAttribute('data-status', 'acknowledged');
    await expect(page.getByTestId('alert-next')).toContainText('Level 3');
    await page.screenshot({ path: shot('alerts.png') });

    // Resolve as a false positive: the reason is required.
    await page.keyboard.press('r');
    await page.getByTestId('resolve-resolution').selectOption('false_positive');
    await expect(page.getByTestId('action-confirm')).toBeDisabled();
    await page.getByTestId('resolve-reason').fill('demo traffic');
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('alert-detail-status')).toHaveText('resolved');
    await expect(page.getByTestId('alert-next')).toContainText('No further escalation');
    await expect(page.getByTestId('alert-timeline')).toContainText('false positive: demo traffic');
    // Resolved alerts leave the default (unresolved) list on both consoles.
    await expect(otherRow).toHaveCount(0);
    await other.getByTestId('alerts-status').selectOption('all');
    await expect(otherRow).toHaveAttribute('data-status', 'resolved');

    // The team audit on the second console lists what the first did; the first's own log is verified.
    await other.getByTestId('nav-audit').click();
    await expect(other.getByTestId('audit-table')).toContainText('resolve');
    await expect(other.getByTestId('audit-table')).toContainText('demo traffic');
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-tab-local').click();
    await expect(page.getByTestId('audit-verification')).toContainText('Hash chain verified: 4 entries');
    await page.getByTestId('audit-verify-full').click();
    await expect(page.getByTestId('audit-verify-full-result')).toContainText(': 4 entries, intact.');
    await page.screenshot({ path: shot('audit.png') });
    expect(errors).toEqual([]);
  } finally {
    await other.close();
    await second.stop();
  }
});
