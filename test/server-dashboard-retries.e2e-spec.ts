import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { AsyncTaskStatus } from '@sfc/async-task';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';

jest.setTimeout(40_000);

/** Debian's Chromium, headless, with everything that would reach the network switched off. */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

describe('reference server: dashboard shows attempts and retries, and reruns (headless Chromium)', () => {
  let server: TestServer;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'async-task-chromium-'));
    [server, browser] = await Promise.all([
      startTestServer(),
      chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS }),
    ]);
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.setViewportSize({ width: 1280, height: 760 });
    await page.goto(server.url);
    await page.fill('#token', TOKENS.alice);
    await page.click('#token-form button');
    await page.locator('#live.on').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  const submit = (body: object) => server.json('/api/tasks', { token: TOKENS.alice, body });

  it('shows the attempts and the next retry time of a task waiting for its retry', async () => {
    const task = await submit({ name: 'timed nap', taskType: 'sleep', params: { ms: 10_000 }, timeoutMs: 300, retries: 1, backoff: { type: 'fixed', delayMs: 5000 } });
    const row = page.locator(`tr[data-task-id="${task.id}"]`);
    await row.locator('.status-WAITING').waitFor({ timeout: 10_000 });
    const waiting = await server.json(`/api/tasks/${task.id}`, { token: TOKENS.alice });
    expect(waiting).toMatchObject({ status: AsyncTaskStatus.WAITING, retryCount: 1, attempt: 1 });
    // The time shown is the record's runAfter, as the browser's clock writes it.
    const retryAt = await page.evaluate((runAfter) => new Date(runAfter).toLocaleTimeString(), waiting.runAfter);
    await row.locator('td.attempts', { hasText: `1, retry at ${retryAt}` }).waitFor();
    expect(await row.locator('td.attempts').getAttribute('title')).toBe('last failure: timed out after 300 ms');
    expect(await row.locator('button.rerun').isDisabled()).toBe(true);
    await page.screenshot({ path: '/tmp/async-task-dashboard-retry.png' });

    await row.locator('.status-FAILED').waitFor({ timeout: 15_000 });
    await row.locator('td.attempts', { hasText: /^2$/ }).waitFor();
  });

  it('reruns an ended task with its Rerun button: same row, SUCCESS again on attempt 2', async () => {
    const task = await submit({ name: 'quick nap', taskType: 'sleep', params: { ms: 200 } });
    const row = page.locator(`tr[data-task-id="${task.id}"]`);
    await row.locator('.status-SUCCESS').waitFor({ timeout: 10_000 });
    await row.locator('td.attempts', { hasText: /^1$/ }).waitFor();
    expect(await row.locator('button.interrupt').isDisabled()).toBe(true);

    await row.locator('button.rerun').click();
    await row.locator('td.attempts', { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
    await row.locator('.status-SUCCESS').waitFor({ timeout: 10_000 });
    expect(await page.locator(`tr[data-task-id="${task.id}"]`).count()).toBe(1);
    expect(await server.json(`/api/tasks/${task.id}`, { token: TOKENS.alice })).toMatchObject({ status: AsyncTaskStatus.SUCCESS, attempt: 2 });
    const log = await (await server.request(`/api/tasks/${task.id}/log`, { token: TOKENS.alice })).text();
    expect(log).toMatch(/^===== attempt 2 [^\n]*, rerun =====$/m);
    expect(await page.locator('#error').isHidden()).toBe(true);
  });
});
