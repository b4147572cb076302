import { Redis } from 'ioredis';
import { alertForEvent, createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { REDIS_URL } from '../helpers/brokers';
import { expect, test } from './fixtures';

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
