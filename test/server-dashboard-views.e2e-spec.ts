import { jest } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { AsyncTaskManager, AsyncTaskStatus } from '@sfc/async-task';
import { ClusterFixture, FAST_FAILOVER } from './support/cluster-fixture.js';
import { ClusterProcess } from './support/cluster-process.js';
import { REDIS_URL } from './support/test-environment.js';
import { type HeadlessChromium, launchHeadlessChromium } from './support/headless-chromium.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(120_000);

/** The policy the server is to send (issue #15): the page must work under it, with no inline code or style. */
const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
/** Screenshots of each panel, for a person to look at (git-ignored). */
const SCREENSHOTS = resolve('test-artifacts/dashboard');
const ALICE_QUICK_TASKS = 22;

describe('reference server: dashboard filters, paging, search, task panel and charts in headless Chromium', () => {
  let server: TestServer;
  let browser: HeadlessChromium;
  let page: Page;
  let serverNodeId: string;
  const consoleErrors: string[] = [];
  const screenshots: string[] = [];
  const ids: Record<string, string> = {};
  const nodes: ClusterProcess[] = [];

  const submit = async (token: string, body: object) => (await server.json<{ id: string }>('/api/tasks', { token, body })).id;
  const total = async (query: string) => (await server.json<{ total: number }>(`/api/tasks?${query}&size=1`, { token: TOKENS.alice })).total;
  const status = async (id: string) => (await server.json<{ status: number }>(`/api/tasks/${id}`, { token: TOKENS.admin })).status;
  const rows = () => page.locator('#tasks tbody tr[data-task-id]');
  const rowNames = () => rows().locator('td:first-child').allTextContents();
  const countOf = (statusName: string) => page.locator(`#status-counts button[data-status="${statusName}"] .figure`);
  const snap = async (name: string, target: Locator) => {
    const path = join(SCREENSHOTS, `${name}.png`);
    await target.screenshot({ path });
    screenshots.push(path);
  };

  async function signIn(token: string, whoami: string | RegExp) {
    await page.goto(server.url);
    await page.fill('#token', token);
    await page.click('#token-form button');
    await page.locator('#whoami', { hasText: whoami }).waitFor();
    await page.locator('#live.on').waitFor();
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    [server, browser] = await Promise.all([startTestServer(), launchHeadlessChromium()]);
    serverNodeId = server.app.get(AsyncTaskManager).nodeId;
    await ClusterFixture.prepare(server.database);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 1360, height: 900 });
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${message.text()} (${message.location().url})`));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    // The page is served under the strict policy, so an inline style or script would show as an error.
    await page.route(`${server.url}/`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': STRICT_CSP } });
    });

    // Alice: 22 quick naps that succeed, a download that fails, a nap delayed by an hour (waiting);
    // Bob: two naps of his own, which Alice must never see or count.
    for (let i = 1; i <= ALICE_QUICK_TASKS; i++) await submit(TOKENS.alice, { name: `quick ${String(i).padStart(2, '0')}`, taskType: 'sleep', params: { ms: 0 } });
    ids.broken = await submit(TOKENS.alice, { name: 'broken link', taskType: 'download', params: { url: 'http://no-such-host.invalid/report.pdf', name: 'report.pdf' } });
    ids.later = await submit(TOKENS.alice, { name: 'later', taskType: 'sleep', params: { ms: 1000 }, delayMs: 3_600_000 });
    ids.bob = await submit(TOKENS.bob, { name: 'bob nap', taskType: 'sleep', params: { ms: 0 } });
    await submit(TOKENS.bob, { name: 'bob nap 2', taskType: 'sleep', params: { ms: 0 } });
    await waitFor('alice’s quick naps to succeed and the download to fail', async () =>
      (await total('status=SUCCESS')) === ALICE_QUICK_TASKS && (await total('status=FAILED')) === 1, 30_000, 200);
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    await browser?.close();
    await server?.close();
    if (screenshots.length > 0) console.log(`Dashboard screenshots:\n${screenshots.join('\n')}`);
  });

  it('counts a user’s own tasks per status and pages through them', async () => {
    await signIn(TOKENS.alice, 'signed in as alice');
    await countOf('ALL').filter({ hasText: '24' }).waitFor();
    expect(await countOf('SUCCESS').textContent()).toBe(String(ALICE_QUICK_TASKS));
    expect(await countOf('FAILED').textContent()).toBe('1');
    expect(await countOf('WAITING').textContent()).toBe('1');
    expect(await countOf('RUNNING').textContent()).toBe('0');
    expect(await page.locator('#tasks .owner-column').first().isVisible()).toBe(false); // a user sees only their own

    await page.locator('#page-info', { hasText: 'Page 1 of 2 · 1–20 of 24 tasks' }).waitFor();
    const firstPage = await rowNames();
    expect(firstPage).toHaveLength(20);
    expect(firstPage.slice(0, 2)).toEqual(['later', 'broken link']); // newest first
    expect(await page.locator('#page-newer').isDisabled()).toBe(true);

    await page.click('#page-older');
    await page.locator('#page-info', { hasText: 'Page 2 of 2 · 21–24 of 24 tasks' }).waitFor();
    expect(await rowNames()).toEqual(['quick 04', 'quick 03', 'quick 02', 'quick 01']);
    expect(await page.locator('#page-older').isDisabled()).toBe(true);
    await page.click('#page-newer');
    await page.locator('#page-info', { hasText: 'Page 1 of 2' }).waitFor();
  });

  it('filters by status (from the counts) and by type, and finds a task by id', async () => {
    await page.click('#status-counts button[data-status="FAILED"]');
    await page.locator('#page-info', { hasText: '1–1 of 1 tasks' }).waitFor();
    expect(await rowNames()).toEqual(['broken link']);
    expect(await page.locator('#status-counts button[data-status="FAILED"]').getAttribute('aria-pressed')).toBe('true');
    await page.click('#status-counts button[data-status="FAILED"]'); // a second click shows every status again
    await page.locator('#page-info', { hasText: '1–20 of 24 tasks' }).waitFor();

    await page.selectOption('#filter-type', 'download');
    await page.locator('#page-info', { hasText: '1–1 of 1 tasks' }).waitFor();
    expect(await rowNames()).toEqual(['broken link']);
    await countOf('ALL').filter({ hasText: /^1$/ }).waitFor(); // the counts follow the type filter
    expect(await countOf('SUCCESS').textContent()).toBe('0');
    expect(await countOf('FAILED').textContent()).toBe('1');
    await snap('tasks-filtered-by-type', page.locator('#tasks-panel'));
    await page.selectOption('#filter-type', '');
    await page.locator('#page-info', { hasText: '1–20 of 24 tasks' }).waitFor();

    await page.fill('#search-id', ids.bob); // someone else's task is not found, as an unknown id
    await page.click('#search-button');
    await page.locator('#no-tasks', { hasText: `No task with id "${ids.bob}"` }).waitFor();
    expect(await rows().count()).toBe(0);
    await snap('tasks-search-not-found', page.locator('#tasks-panel'));

    await page.fill('#search-id', ids.broken);
    await page.click('#search-button');
    await rows().filter({ hasText: 'broken link' }).waitFor();
    expect(await rowNames()).toEqual(['broken link']);
    expect(await page.locator('#page-info').textContent()).toBe('Search result');
    await page.locator('#task-panel:not([hidden])').waitFor(); // the found task opens in the panel
  });

  it('shows a failed task’s params, timings, attempt and failure reason in the task panel', async () => {
    const panel = page.locator('#task-panel');
    await panel.locator('#panel-title', { hasText: 'broken link' }).waitFor();
    await panel.locator('#panel-failure', { hasText: 'Could not reach http://no-such-host.invalid/report.pdf' }).waitFor();
    expect(await panel.locator('#panel-status').textContent()).toBe('FAILED');
    expect(JSON.parse((await panel.locator('#panel-params').textContent())!)).toEqual({ url: 'http://no-such-host.invalid/report.pdf', name: 'report.pdf' });
    const facts = await definitionsOf(panel.locator('#panel-facts'));
    expect(facts).toMatchObject({ Id: ids.broken, Type: 'download', Owner: 'alice', Node: serverNodeId, Attempts: '1', 'CPU budget': '10' });
    const timings = await definitionsOf(panel.locator('#panel-timings'));
    expect(timings.Created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(timings.Started).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(timings.Finished).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(timings.Ran).toMatch(/^\d+(\.\d)? m?s$/);

    const attempt = panel.locator('#attempts tbody tr');
    await attempt.locator('.status-FAILED').waitFor();
    expect(await attempt.count()).toBe(1);
    const cells = await attempt.locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['1', serverNodeId]);
    expect(cells[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(cells[4]).toBe('FAILED');
    expect(cells[5]).toMatch(/^\[ERROR\].*Could not reach http:\/\/no-such-host\.invalid\/report\.pdf/);
    await page.locator('#log', { hasText: 'Downloading http://no-such-host.invalid/report.pdf' }).waitFor();
    await snap('task-panel-failed', panel);
  });

  it('charts the last hour: finished and failed per minute, queue depth, and load per node', async () => {
    ids.nap = await submit(TOKENS.alice, { name: 'long nap', taskType: 'sleep', params: { ms: 60_000 }, cpuOverhead: 7 });
    await waitFor('the long nap to run', async () => (await status(ids.nap)) === AsyncTaskStatus.RUNNING);
    const caption = (chart: string) => page.locator(`#${chart} .summary`);
    await caption('chart-throughput').filter({ hasText: `last hour: ${ALICE_QUICK_TASKS} succeeded, 1 failed` }).waitFor();
    await caption('chart-depth').filter({ hasText: /^1 waiting now, at most 1 in the last hour$/ }).waitFor(); // the delayed nap
    await caption('chart-load').filter({ hasText: `${serverNodeId}: 7/` }).waitFor({ timeout: 20_000 }); // sampled every 5 s
    for (const chart of ['chart-throughput', 'chart-depth', 'chart-load']) {
      const box = await page.locator(`#${chart} canvas`).boundingBox();
      expect(box!.width).toBeGreaterThan(250);
      expect(box!.height).toBeGreaterThan(100);
    }
    const legend = await page.locator('#chart-load .u-legend .u-series .u-label').allTextContents();
    expect(legend).toContain(serverNodeId);
    await snap('charts', page.locator('#charts-panel'));

    // Hovering a minute shows its figures in the legend, as a person would read them: half an hour
    // ago nothing ended; in the last minute the naps and the download did.
    const legendValues = () => page.locator('#chart-throughput .u-legend .u-series .u-value').allTextContents();
    const area = (await page.locator('#chart-throughput .u-over').boundingBox())!;
    await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
    const halfHourAgo = await legendValues();
    expect(halfHourAgo.slice(1)).toEqual(['0', '0']);
    await page.mouse.move(area.x + area.width - 2, area.y + area.height / 2);
    const lastMinute = await legendValues();
    expect(lastMinute.slice(1)).toEqual([String(ALICE_QUICK_TASKS), '1']);
    expect(lastMinute[0]).not.toBe(halfHourAgo[0]); // the minute's label follows the pointer
    await snap('chart-throughput-hover', page.locator('#chart-throughput'));
    await page.mouse.move(0, 0);

    await page.click('#status-counts button[data-status="ALL"]'); // back to the whole list, to interrupt the nap from its row
    const row = page.locator('tr[data-task-id]', { hasText: 'long nap' });
    await row.locator('.status-RUNNING').waitFor();
    await row.locator('button.interrupt').click();
    await row.locator('.status-CANCELLED').waitFor({ timeout: 10_000 });
    await countOf('CANCELLED').filter({ hasText: /^1$/ }).waitFor();
    expect(await status(ids.nap)).toBe(AsyncTaskStatus.CANCELLED);
  });

  it('lists each attempt of a task that failed over from a killed node, live', async () => {
    const settings = { mysqlUrl: server.database.url, redis: REDIS_URL, prefix: server.config.prefix, options: FAST_FAILOVER };
    const nodeA = await ClusterProcess.start('dash-node-a', settings);
    nodes.push(nodeA);
    const manager = server.app.get(AsyncTaskManager);
    const task = await manager.submitAsyncTask({ name: 'failover work', taskType: 'work', params: { ms: 4000 }, uid: 'alice', cpuOverhead: 20 });
    await waitFor('the work to run on node a', async () => (await manager.getTask(task.id)).executor === 'dash-node-a');

    await page.fill('#search-id', task.id);
    await page.click('#search-button');
    const panel = page.locator('#task-panel');
    await panel.locator('#panel-title', { hasText: 'failover work' }).waitFor();
    const attempts = panel.locator('#attempts tbody tr');
    await attempts.first().locator('.status-RUNNING').waitFor();
    expect(await attempts.first().locator('td').nth(1).textContent()).toBe('dash-node-a');
    await panel.locator('#log', { hasText: 'step 0 of 4000 on dash-node-a' }).waitFor();

    const nodeB = await ClusterProcess.start('dash-node-b', settings);
    nodes.push(nodeB);
    await nodeA.kill();
    await attempts.nth(1).locator('td.node', { hasText: 'dash-node-b' }).waitFor({ timeout: 30_000 });
    await attempts.nth(1).locator('.status-SUCCESS').waitFor({ timeout: 30_000 });
    expect(await attempts.count()).toBe(2);
    const first = await attempts.first().locator('td').allTextContents();
    expect(first.slice(0, 2)).toEqual(['1', 'dash-node-a']);
    expect(first[4]).toBe('node lost');
    expect(first[5]).toContain('node dash-node-a was lost');
    expect((await attempts.nth(1).locator('td').allTextContents()).slice(0, 2)).toEqual(['2', 'dash-node-b']);
    const facts = await definitionsOf(panel.locator('#panel-facts'));
    expect(facts).toMatchObject({ Node: 'dash-node-b', Attempts: '2', 'Lost with a node': '1' });
    expect(await panel.locator('#panel-status').textContent()).toBe('SUCCESS');
    await snap('task-panel-failover-attempts', panel);
  });

  it('follows a task out of the status shown: an interrupted waiting task leaves the WAITING list', async () => {
    await page.fill('#search-id', '');
    await page.click('#search-button');
    await page.click('#status-counts button[data-status="WAITING"]');
    await page.locator('#page-info', { hasText: '1–1 of 1 tasks' }).waitFor();
    const row = page.locator('tr[data-task-id]', { hasText: 'later' });
    await row.locator('button.interrupt').click();
    await page.locator('#no-tasks', { hasText: 'No tasks match these filters.' }).waitFor();
    expect(await rows().count()).toBe(0);
    await countOf('WAITING').filter({ hasText: /^0$/ }).waitFor();
    expect(await countOf('CANCELLED').textContent()).toBe('2');
    expect(await status(ids.later)).toBe(AsyncTaskStatus.CANCELLED);
    await page.locator('#chart-depth .summary', { hasText: /^0 waiting now/ }).waitFor();
  });

  it('lets an admin see every owner’s tasks and filter by owner', async () => {
    await signIn(TOKENS.admin, 'admin (admin: all tasks)');
    await page.locator('#filter-owner-label').waitFor();
    expect(await page.locator('#tasks .owner-column').first().isVisible()).toBe(true);
    await page.locator('#filter-owner option[value="bob"]').waitFor({ state: 'attached' });
    expect(await page.locator('#filter-owner option').allTextContents()).toEqual(expect.arrayContaining(['all owners', 'alice', 'bob']));

    await page.selectOption('#filter-owner', 'bob');
    await page.locator('#page-info', { hasText: '1–2 of 2 tasks' }).waitFor();
    expect(await rowNames()).toEqual(['bob nap 2', 'bob nap']);
    expect(await rows().locator('td.owner-column').allTextContents()).toEqual(['bob', 'bob']);
    await countOf('ALL').filter({ hasText: /^2$/ }).waitFor();
    expect(await countOf('SUCCESS').textContent()).toBe('2');
    await snap('admin-filtered-by-owner', page.locator('#tasks-panel'));
    await page.selectOption('#filter-owner', '');
    await page.locator('#page-info', { hasText: 'of 28 tasks' }).waitFor(); // alice's 26 and bob's 2
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-whole-page.png'), fullPage: true });
    screenshots.push(join(SCREENSHOTS, 'admin-whole-page.png'));

    // No policy violation or script error on the way; the one 404 is the search for Bob's task.
    expect(consoleErrors).toEqual([expect.stringContaining(`404 (Not Found) (${server.url}/api/tasks/${ids.bob})`)]);
    expect(await page.locator('#error').isHidden()).toBe(true);
  });

  /** A <dl>'s terms and values as an object. */
  async function definitionsOf(list: Locator): Promise<Record<string, string>> {
    const terms = await list.locator('dt').allTextContents();
    const values = await list.locator('dd').allTextContents();
    return Object.fromEntries(terms.map((term, i) => [term, values[i]]));
  }
});
