import { Redis } from 'ioredis';
import { alertForEvent, createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { REDIS_URL } from '../helpers/brokers';
import { EnvironmentsPage, expect, test } from './fixtures';

const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><svg onload="window.__xss=3">`;

test('payloads carrying <script> and onerror render as text: nothing runs, no CSP violation', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Record every CSP violation from the first script on.
  await page.addInitScript({ content: "window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + (e.sample || '')));" });
  const redis = new Redis(REDIS_URL);
  const dlq = `${app.namespace}security.events.dlq`;
  const id = (await redis.xadd(dlq, '*', 'data', XSS, 'dlq_origin_stream', `${app.namespace}security.events`, 'dlq_error', `schema: ${XSS}`, 'dlq_attempts', '3'))!;
  try {
    await page.goto(app.openUrl);
    // An alert whose title and message carry the same markup (ingested by the running console).
    const event = securityEvent(createRandom(3), Date.now());
    await redis.xadd(`${app.namespace}security.alerts`, '*', 'data', JSON.stringify({ ...alertForEvent(event, Date.now()), title: `Title ${XSS}`, message: XSS }));

    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await page.getByTestId(`dlq-row-${id}`).click();
    await expect(page.getByTestId('dlq-payload')).toContainText('<script>window.__xss=2</script>');

    await page.getByTestId('nav-alerts').click();
    const row = page.locator('[data-testid^="alert-row-"]').first();
    await expect(row).toContainText('Title <img src=x onerror=', { timeout: 20_000 });
    await row.click();
    await expect(page.getByTestId('alert-detail')).toContainText('<svg onload=');

    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"], script:text("__xss"), svg[onload]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

test('production opens read-only; write mode is switched on from its banner, counts down and is switched off', async ({ page, app }) => {
  await page.goto(app.openUrl);
  const environments = new EnvironmentsPage(page);
  await environments.addProduction({ name: 'Prod EU', redisUrl: 'redis://127.0.0.1:6379' }, app.namespace, { role: 'operator' });
  const banner = page.locator('[data-testid^="production-banner-"]');
  await expect(banner).toContainText('PRODUCTION — Prod EU · operator · read-only');
  await banner.getByRole('button', { name: 'Allow changes for 15 min' }).click();
  await expect(banner).toContainText(/WRITE MODE, ends in 1[45]:\d\d/);
  await page.screenshot({ path: process.env.UPDATE_SCREENSHOTS ? 'test/e2e/screenshots/write-mode.png' : test.info().outputPath('write-mode.png') });
  await banner.getByRole('button', { name: 'End write mode' }).click();
  await expect(banner).toContainText('· read-only');

  // Viewing another environment, the production banner is not up (issue 21.9); all environments: it is.
  const topBar = page.getByTestId('env-filter');
  await topBar.selectOption('local');
  await expect(banner).toHaveCount(0);
  await topBar.selectOption('');
  await expect(banner).toContainText('PRODUCTION — Prod EU');
  // A screen's own picker is the top bar's selection: picking there selects here, and the banner follows.
  await page.getByTestId('nav-deadletters').click();
  await page.getByTestId('dlq-env').selectOption({ label: 'Local' });
  await expect(topBar.locator('option:checked')).toHaveText('Local');
  await expect(banner).toHaveCount(0);
  await page.getByTestId('nav-alerts').click();
  await expect(page.getByTestId('alerts-env').locator('option:checked')).toHaveText('Local');
  await page.getByTestId('alerts-env').selectOption({ label: 'Prod EU' });
  await expect(topBar.locator('option:checked')).toHaveText('Prod EU (production)');
  await expect(banner).toContainText('PRODUCTION — Prod EU');
});

test('a page with a wrong token is told so and stops knocking (the host closes with the code the page reads)', async ({ page, app }) => {
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(app.openUrl.replace(/#token=.*/, '#token=not-the-token'));
  await expect(page.getByTestId('connection-banner')).toContainText("The host rejected this page's token");
  // Before the host sent the code, a wrong token looked like a dead host: "Disconnected — retrying" forever.
  await expect(page.getByTestId('connection-banner')).not.toContainText('retrying');
  expect(sockets).toHaveLength(1);
});
