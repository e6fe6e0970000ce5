import { jest } from '@jest/globals';
import { AsyncTaskStatus } from '@sfc/async-task';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(60_000);

interface BulkResult {
  submitted: number;
  refused: number;
  results: Array<{ index: number; ok: boolean; task?: { id: string; uid: string; name: string }; statusCode?: number; error?: string; message?: string }>;
}

describe('reference server: POST /api/tasks/bulk', () => {
  let server: TestServer;
  const bulk = (token: string, body: unknown) => server.request('/api/tasks/bulk', { token, body });
  const rowsNamed = async (pattern: string) =>
    Number((await server.database.query('SELECT COUNT(*) AS n FROM async_task_record WHERE name LIKE ?', [pattern]))[0].n);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('saves the good tasks of a request for the token\'s owner, refuses each bad one alone with why, and runs the saved ones', async () => {
    // 1000 tasks (the most a request takes) of about 170 bytes: a body well over Nest's default 100 KB limit.
    const tasks = Array.from({ length: 1000 }, (_, i) => ({ name: `http-bulk ${i} ${'x'.repeat(100)}`, taskType: 'sleep', params: { ms: 1 } }));
    tasks[7] = { name: 'http-bulk bad type', taskType: 'no-such-type', params: { ms: 1 } };
    tasks[300] = { name: 'http-bulk bad params', taskType: 'sleep', params: { ms: -5 } };
    (tasks[450] as Record<string, unknown>).uid = 'bob';
    const response = await bulk(TOKENS.alice, { tasks });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as BulkResult;
    expect({ submitted: answer.submitted, refused: answer.refused }).toEqual({ submitted: 997, refused: 3 });
    expect(answer.results.map((result) => result.index)).toEqual(tasks.map((_, i) => i));
    const refusals = answer.results.filter((result) => !result.ok);
    expect(refusals.map(({ index, statusCode }) => ({ index, statusCode }))).toEqual([
      { index: 7, statusCode: 400 },
      { index: 300, statusCode: 400 },
      { index: 450, statusCode: 400 },
    ]);
    expect(refusals[0].message).toMatch(/^tasks\[7\]: taskType must be one of/);
    expect(refusals[1].message).toMatch(/^tasks\[300\]: .*milliseconds/);
    expect(refusals[2].message).toMatch(/^tasks\[450\]: Unknown field\(s\) uid/);
    const saved = answer.results.filter((result) => result.ok).map((result) => result.task!);
    expect(new Set(saved.map((task) => task.uid))).toEqual(new Set(['alice']));
    expect(await rowsNamed('http-bulk %')).toBe(997);

    await waitFor(
      'the 997 saved tasks to succeed',
      async () => Number((await server.database.query("SELECT COUNT(*) AS n FROM async_task_record WHERE name LIKE 'http-bulk %' AND status = ?", [AsyncTaskStatus.SUCCESS]))[0].n) === 997,
      60_000,
      200,
    );
    const bobsView = await server.json(`/api/tasks?size=500`, { token: TOKENS.bob });
    expect(bobsView.items.filter((task: { name: string }) => task.name.startsWith('http-bulk'))).toEqual([]);
  });

  it('refuses a body that is not a list of 1 to 1000 tasks as a whole, saving nothing', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [[{ name: 'x', taskType: 'sleep' }], 400, /\{"tasks": \[/],
      [{ tasks: [] }, 400, /at least one task/],
      [{ tasks: [{ name: 'whole-call x', taskType: 'sleep' }], extra: 1 }, 400, /\{"tasks": \[/],
      [{ tasks: Array.from({ length: 1001 }, (_, i) => ({ name: `whole-call ${i}`, taskType: 'sleep' })) }, 413, /1001 tasks, more than 1000/],
    ];
    for (const [body, status, message] of cases) {
      const response = await bulk(TOKENS.alice, body);
      expect({ status: response.status }).toEqual({ status });
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    }
    expect(await rowsNamed('whole-call %')).toBe(0);
    expect((await server.request('/api/tasks/bulk', { body: { tasks: [{ name: 'x', taskType: 'sleep' }] } })).status).toBe(401);
  });

  it('describes the endpoint in the OpenAPI document', async () => {
    const openapi = (await (await server.request('/api/openapi.json')).json()) as { paths: Record<string, { post?: { responses: object } }> };
    expect(Object.keys(openapi.paths['/api/tasks/bulk'].post!.responses)).toEqual(['200', '400', '401', '413']);
  });
});
