import { jest } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { AsyncTaskStatus } from '@sfc/async-task';
import { type HeadlessChromium, launchHeadlessChromium } from './support/headless-chromium.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(90_000);

/** The policy the server is to send (issue #15): the page must work under it, with no inline code or style. */
const NAP = { ms: 10 };
const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

describe('reference server: schedules API, dashboard and retention metrics', () => {
  let server: TestServer;
  let browser: HeadlessChromium;
  let page: Page;
  const consoleErrors: string[] = [];

  const put = (id: string, token: string, body: unknown) => server.request(`/api/schedules/${id}`, { token, method: 'PUT', body });
  const tickTasks = async (scheduleId: string, token: string) =>
    (await server.json<{ items: Array<{ id: string; uid: string; status: number }> }>('/api/tasks?size=100', { token })).items.filter((task) =>
      task.id.startsWith(`${scheduleId}-at-`),
    );

  beforeAll(async () => {
    await mkdir('test-artifacts/dashboard', { recursive: true });
    // Retention of cancelled tasks only, after half a second: what it deletes shows on /metrics.
    [server, browser] = await Promise.all([startTestServer({ retention: { maxAgeMs: { cancelled: 500 }, intervalMs: 200 } }), launchHeadlessChromium()]);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${message.text()} (${message.location().url})`));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.route(`${server.url}/`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': STRICT_CSP } });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('PUT creates a schedule owned by the caller whose ticks become the caller’s tasks; others get 404, an admin sees all', async () => {
    const created = await put('nap', TOKENS.alice, { everyMs: 1000, taskType: 'sleep', params: { ms: 50 }, name: 'short nap', overlap: 'allow' });
    expect(created.status).toBe(200);
    const schedule = await created.json();
    expect(schedule).toMatchObject({ id: 'nap', everyMs: 1000, uid: 'alice', taskType: 'sleep', name: 'short nap', params: '{"ms":50}', lastTaskStatus: null });
    const ticks = await waitFor('two ticks that succeeded', async () => {
      const tasks = await tickTasks('nap', TOKENS.alice);
      return tasks.filter((task) => task.status === AsyncTaskStatus.SUCCESS).length >= 2 ? tasks : null;
    }, 20_000, 200);
    expect(ticks.every((task) => task.uid === 'alice')).toBe(true);
    await waitFor('the last run to show', async () => (await server.json<{ lastTaskStatus: number }>('/api/schedules/nap', { token: TOKENS.alice })).lastTaskStatus === AsyncTaskStatus.SUCCESS, 10_000, 200);

    expect(await server.json('/api/schedules', { token: TOKENS.bob })).toEqual([]);
    for (const response of [
      await server.request('/api/schedules/nap', { token: TOKENS.bob }),
      await put('nap', TOKENS.bob, { everyMs: 5000, taskType: 'sleep', params: NAP }),
      await put('nap', TOKENS.bob, { everyMs: 5000, taskType: 'bad' }), // someone else's: 404 before any check
      await server.request('/api/schedules/nap', { token: TOKENS.bob, method: 'DELETE' }),
    ]) {
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toBe('ScheduleNotFoundError');
    }
    expect((await server.json<Array<{ id: string; uid: string }>>('/api/schedules', { token: TOKENS.admin })).map((s) => [s.id, s.uid])).toEqual([['nap', 'alice']]);
    expect((await server.request('/api/schedules')).status).toBe(401);
  });

  it('answers 400 with the named error for a bad schedule and stores nothing', async () => {
    const bad: Array<[unknown, string]> = [
      [{ cron: 'at three', taskType: 'sleep', params: NAP }, 'InvalidScheduleError'],
      [{ cron: '0 3 * * *', timezone: 'Moon/Base', taskType: 'sleep', params: NAP }, 'InvalidScheduleError'],
      [{ everyMs: 10, taskType: 'sleep', params: NAP }, 'InvalidScheduleError'],
      [{ everyMs: 5000, cron: '0 3 * * *', taskType: 'sleep', params: NAP }, 'InvalidScheduleError'],
      [{ taskType: 'sleep', params: NAP }, 'InvalidScheduleError'],
      [{ everyMs: 5000, taskType: 'sleep', params: NAP, catchUp: 'all' }, 'InvalidScheduleError'],
      [{ everyMs: 5000, taskType: 'sleep', params: NAP, delayMs: 5 }, 'Bad Request'],
      [{ everyMs: 5000, taskType: 'nope' }, 'Bad Request'],
      [{ everyMs: 5000, taskType: 'sleep', params: { ms: -1 } }, 'Bad Request'],
    ];
    for (const [body, error] of bad) {
      const response = await put('broken', TOKENS.alice, body);
      expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([400, error]);
    }
    expect((await server.request('/api/schedules/broken', { token: TOKENS.alice })).status).toBe(404);
  });

  it('lists schedules on the dashboard with their next due time and last run’s status (headless Chromium, strict CSP)', async () => {
    const nightly = (await (await put('nightly', TOKENS.alice, { cron: '0 3 * * *', timezone: 'Europe/Paris', taskType: 'sleep', params: { ms: 10 } })).json()) as { nextDueAt: string };
    await page.goto(server.url);
    await page.fill('#token', TOKENS.alice);
    await page.click('#token-form button');
    await page.locator('#whoami', { hasText: 'signed in as alice' }).waitFor();
    const napRow = page.locator('#schedules tr[data-schedule-id="nap"]');
    const nightlyRow = page.locator('#schedules tr[data-schedule-id="nightly"]');
    await napRow.locator('.last-run .status', { hasText: 'SUCCESS' }).waitFor();
    expect(await napRow.locator('.timing').textContent()).toBe('every 1.0 s');
    expect(await nightlyRow.locator('.timing').textContent()).toBe('0 3 * * * (Europe/Paris)');
    expect(await nightlyRow.locator('.last-run').textContent()).toBe('not yet');
    // The next due time in the browser's local time: 03:00 in Paris.
    const shown = await nightlyRow.locator('.next-due').textContent();
    const expected = await page.evaluate((iso) => {
      const date = new Date(iso);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    }, nightly.nextDueAt as string);
    expect(shown).toBe(expected);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(new Date(nightly.nextDueAt))).toBe('03:00');
    await page.locator('#schedules-panel').screenshot({ path: 'test-artifacts/dashboard/schedules-panel.png' }); // for a person to look at

    // Deleted: gone from the API and, at the next refresh, from the page; its tasks stay.
    const response = await server.request('/api/schedules/nap', { token: TOKENS.alice, method: 'DELETE' });
    expect(response.status).toBe(204);
    await napRow.waitFor({ state: 'detached' });
    expect((await server.request('/api/schedules/nap', { token: TOKENS.alice })).status).toBe(404);
    expect((await tickTasks('nap', TOKENS.alice)).length).toBeGreaterThanOrEqual(2);
    expect(consoleErrors).toEqual([]);
  });

  it('/metrics counts the tasks and logs retention deleted', async () => {
    const metric = async (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await server.request('/metrics')).text())?.[1] ?? NaN);
    expect(await metric('async_task_pruned_tasks_total')).toBe(0);
    const task = await server.json<{ id: string }>('/api/tasks', { token: TOKENS.alice, body: { name: 'to cancel', taskType: 'sleep', params: { ms: 60_000 } } });
    await waitFor('the nap to run', async () => (await server.json<{ status: number }>(`/api/tasks/${task.id}`, { token: TOKENS.alice })).status === AsyncTaskStatus.RUNNING, 10_000, 100);
    await server.json(`/api/tasks/${task.id}/interrupt`, { token: TOKENS.alice, body: {} });
    await waitFor('the cancelled task to be pruned', async () => (await server.request(`/api/tasks/${task.id}`, { token: TOKENS.alice })).status === 404, 15_000, 100);
    expect(await metric('async_task_pruned_tasks_total')).toBe(1);
    expect(await metric('async_task_pruned_logs_total')).toBe(1);
    expect(await metric('async_task_prune_batches_total')).toBe(1);
  });
});
