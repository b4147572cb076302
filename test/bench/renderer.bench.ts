import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { Redis } from 'ioredis';
import { REDIS_URL, tempHome, uniqueNamespace } from '../helpers/brokers';
import { round, summarize } from './stats';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STREAMS = 500;
const SECONDS = 15;

/**
 * Measured from outside the product (the renderer carries no bench hook): an init script wraps
 * `window.WebSocket` so that each `overview.tick` push frame notes its arrival time, before the
 * app's own handler parses it; once the Streams view is shown, a MutationObserver on it notes
 * the first DOM change after that push (React has committed the update), and a
 * requestAnimationFrame from there the next frame. A push that changes nothing on screen is
 * followed by no mutation and is not counted (the next push starts afresh).
 */
const STREAMS_PROBE = `(() => {
  const probe = { pushAt: null, toDom: [], toFrame: [], pushes: 0 };
  window.__wfStreamsProbe = probe;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data === 'string' && event.data.slice(0, 64).includes('"topic":"overview.tick"')) {
          probe.pushAt = performance.now();
          probe.pushes++;
        }
      });
    }
  };
  probe.watch = (target) => {
    new MutationObserver(() => {
      if (probe.pushAt === null) return;
      const start = probe.pushAt;
      probe.pushAt = null;
      probe.toDom.push(performance.now() - start);
      requestAnimationFrame(() => probe.toFrame.push(performance.now() - start));
    }).observe(target, { subtree: true, childList: true, characterData: true, attributes: true });
  };
})();`;

/**
 * The Streams view with 500 streams updating every second, in Chromium against the built browser
 * mode: time per update from the push's arrival on the WebSocket to the view's DOM change (parse,
 * store apply, React render and commit), and to the next frame (STREAMS_PROBE above). Baseline in
 * the same page: rewriting the same 500 rows' text by hand in a plain table.
 */
export async function benchRenderer(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-ui');
  const home = tempHome();
  const redis = new Redis(REDIS_URL);
  const names = Array.from({ length: STREAMS }, (_, i) => `${ns}s${String(i).padStart(3, '0')}`);
  const setup = redis.pipeline();
  for (const name of names) setup.xgroup('CREATE', name, 'g', '$', 'MKSTREAM');
  await setup.exec();

  const cli = path.join(ROOT, 'dist/headless/cli.cjs');
  const env = { ...process.env, WATCHFLOOR_HOME: home.dir };
  spawn(process.execPath, [cli, 'env', 'list'], { env, stdio: 'ignore' }).once('exit', () => undefined);
  await new Promise((r) => setTimeout(r, 1500));
  const file = path.join(home.dir, 'environments.json');
  const profiles = JSON.parse(readFileSync(file, 'utf8'));
  profiles.environments[0].namespace = ns;
  profiles.environments[0].amqp = null;
  profiles.environments[0].managementUrl = null;
  writeFileSync(file, JSON.stringify(profiles));
  const host = spawn(process.execPath, [cli, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    host.stdout!.on('data', (c) => {
      out += c;
      const m = /open (http\S+#token=\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  // Keep every stream changing so every row updates every tick.
  const writer = setInterval(() => {
    const p = redis.pipeline();
    for (const name of names) p.xadd(name, 'MAXLEN', '~', 100, '*', 'd', '1');
    void p.exec();
  }, 500);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript({ content: STREAMS_PROBE });
    await page.goto(url);
    await page.getByTestId('nav-streams').click();
    // Every stream is in the view's store and counted; a list this long renders only what its
    // scroll box shows, so wait for the count and the first row rather than the last row.
    await page.getByTestId('streams-count-local').filter({ hasText: `${STREAMS} streams` }).waitFor({ timeout: 60_000 });
    await page.getByTestId(`streams-row-${names[0]}`).waitFor({ timeout: 60_000 });
    type Probe = { pushAt: number | null; toDom: number[]; toFrame: number[]; pushes: number; watch(target: Element): void };
    await page.evaluate(() => {
      const probe = (window as unknown as { __wfStreamsProbe: Probe }).__wfStreamsProbe;
      Object.assign(probe, { pushAt: null, toDom: [], toFrame: [], pushes: 0 });
      probe.watch(document.querySelector('[data-testid="streams-screen"]')!);
    });
    await page.waitForTimeout(SECONDS * 1000);
    const probed = await page.evaluate(() => {
      const { toDom, toFrame, pushes } = (window as unknown as { __wfStreamsProbe: Probe }).__wfStreamsProbe;
      return { toDom, toFrame, pushes };
    });
    const updates = probed.toDom;
    const baseline = await page.evaluate((rows) => {
      const table = document.createElement('table');
      const cells: HTMLTableCellElement[][] = [];
      for (let r = 0; r < rows; r++) {
        const tr = table.insertRow();
        cells.push(Array.from({ length: 7 }, () => tr.insertCell()));
      }
      document.body.appendChild(table);
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        for (const row of cells) for (const cell of row) cell.textContent = String(i * 7 + row.length);
        void table.offsetHeight; // force the layout the real update also pays
        times.push(performance.now() - t);
      }
      table.remove();
      return times;
    }, STREAMS);
    const ui = summarize(updates);
    const raw = summarize(baseline);
    return {
      bench: 'renderer',
      streams: STREAMS,
      seconds: SECONDS,
      pushes: probed.pushes,
      streamsView: ui,
      streamsViewToFrame: summarize(probed.toFrame),
      rawDomBaseline: raw,
      ratioMedian: raw.medianMs > 0 ? round(ui.medianMs / raw.medianMs) : null,
      measured: 'overview.tick frame on the WebSocket → first DOM mutation of the Streams view (init-script probe)',
      goal: '< 16 ms per update',
    };
  } finally {
    clearInterval(writer);
    await browser.close();
    host.kill('SIGTERM');
    const cleanup = redis.pipeline();
    for (const name of names) cleanup.del(name);
    await cleanup.exec();
    redis.disconnect();
    home.cleanup();
  }
}
