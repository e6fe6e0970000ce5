import { setTimeout as delay } from 'node:timers/promises';
import { AsyncTaskStatus, type InterruptResult } from '@sfc/async-task';
import { ClusterFixture, FAST_FAILOVER, freshClusterPerTest } from './support/cluster-fixture.js';
import { TestDatabase } from './support/test-database.js';

// The answer of interrupt() and the task's final status agree, wherever in a task's life it lands:
// queued, between claim and start, running, just after execute() returned, after the end was written.
describe('interrupt: the answer and the outcome agree', () => {
  const database = new TestDatabase();
  let cluster: ClusterFixture;
  freshClusterPerTest(database, (fresh) => (cluster = fresh));

  it('every `interrupting` ends in CANCELLED and every `already-finished` names the final status, across 240 short tasks', async () => {
    await cluster.startNodes(['runner'], { ...FAST_FAILOVER, maxLoad: 1000 });
    const { manager } = await cluster.startControl(FAST_FAILOVER);
    const answers: InterruptResult[] = [];
    // Waves of 16 tasks of 100 ms; each is interrupted at its own offset after its submit (0–238 ms in
    // 7 ms steps), so the interrupts sweep the whole life of a task, its end included.
    for (let wave = 0; wave < 15; wave++) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 16 }, async (_, i) => {
            const n = wave * 16 + i;
            const { id } = await manager.submitAsyncTask({ name: `short ${n}`, taskType: 'work', params: { ms: 100 }, cpuOverhead: 10 });
            await delay((n * 7) % 240);
            return manager.interrupt(id);
          }),
        )),
      );
    }
    const outcomes = await Promise.all(
      answers.map(async (answer) => ({ ...answer, final: (await manager.waitForExit(answer.taskId, 30_000)).status })),
    );

    const disagreements = outcomes.filter(({ outcome, status, final }) =>
      outcome === 'already-finished' ? final !== status : final !== AsyncTaskStatus.CANCELLED,
    );
    expect(disagreements).toEqual([]);
    // The sweep reached every stage: queued, running, and ended.
    const count = (outcome: InterruptResult['outcome']) => outcomes.filter((o) => o.outcome === outcome).length;
    expect(count('interrupting')).toBeGreaterThan(20);
    expect(count('already-finished')).toBeGreaterThan(20);
    for (const finished of outcomes.filter((o) => o.outcome === 'already-finished')) expect(finished.status).toBe(AsyncTaskStatus.SUCCESS);
    // A task whose interrupt won after its work was done is CANCELLED, and its record says when the interrupt came.
    const [row] = await database.query(
      'SELECT COUNT(*) AS n FROM async_task_record WHERE status = ? AND interrupt_requested_at IS NULL AND id IN (?)',
      [AsyncTaskStatus.CANCELLED, outcomes.filter((o) => o.outcome === 'interrupting').map((o) => o.taskId)],
    );
    expect(Number(row.n)).toBe(0);
  }, 180_000);
});
