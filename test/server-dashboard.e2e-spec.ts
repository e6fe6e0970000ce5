import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { AsyncTaskStatus } from '@sfc/async-task';
import { type HeadlessChromium, launchHeadlessChromium } from './support/headless-chromium.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(40_000);

describe('reference server: dashboard in headless Chromium', () => {
  let server: TestServer;
  let browser: HeadlessChromium;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchHeadlessChromium()]);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // The server's CSP refuses inline script and style: the page must not need any.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.setViewportSize({ width: 1280, height: 760 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const cspViolations: string[] = [];

  /** Percent shown by the progress bar of the first task row. */
  const percent = () => page.locator('tr[data-task-id] [role=progressbar]').first().getAttribute('aria-valuenow').then(Number);

  it('signs in, submits a sleep task, shows its live progress and log, and interrupts it', async () => {
    await page.goto(server.url);
    await page.fill('#token', TOKENS.alice);
    await page.click('#token-form button');
    await page.locator('#whoami', { hasText: 'signed in as alice' }).waitFor();
    await page.locator('#live.on').waitFor();

    await page.fill('#task-name', 'browser nap');
    await page.selectOption('#task-type', 'sleep');
    await page.fill('#task-params', '{"ms": 10000}');
    await page.click('#submit-form button');

    const row = page.locator('tr[data-task-id]', { hasText: 'browser nap' });
    await row.locator('.status-RUNNING').waitFor({ timeout: 15000 });
    const first = await waitFor('the progress bar to fill', async () => ((await percent()) > 0 ? percent() : undefined));
    await waitFor('the progress bar to move on', async () => (await percent()) > first);
    await page.locator('#log', { hasText: 'Sleeping 10000 ms' }).waitFor();
    await page.locator('#nodes tbody .percent', { hasText: /^1\/\d+$/ }).waitFor(); // the nap's cpuOverhead of 1 is the node's load
    await page.screenshot({ path: '/tmp/async-task-dashboard.png' });

    await row.locator('button.interrupt').click();
    await row.locator('.status-CANCELLED').waitFor({ timeout: 10000 });
    const id = await row.getAttribute('data-task-id');
    expect((await server.json(`/api/tasks/${id}`, { token: TOKENS.alice })).status).toBe(AsyncTaskStatus.CANCELLED);
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(cspViolations).toEqual([]);
  });
});
