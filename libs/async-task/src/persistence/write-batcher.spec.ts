import { jest } from '@jest/globals';
import { WriteBatcher, type ItemOutcome } from './write-batcher.js';

/** A flush the test completes by hand, recording the batches it was given. */
function manualFlush() {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const flush = (items: number[]) =>
    new Promise<Array<ItemOutcome<number>>>((resolve) => {
      batches.push(items);
      finishers.push(() => resolve(items.map((item) => (item < 0 ? { error: new Error(`bad ${item}`) } : { value: item * 10 }))));
    });
  return { batches, flush, finishNext: () => finishers.shift()!() };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));
/** Lets an idle writer's flush start: it waits one microtask for callers resumed by the same event. */
const flushStarts = () => Promise.resolve();

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('WriteBatcher', () => {
  it('writes a lone item in the same turn, and groups the items that arrive while a flush is under way', async () => {
    const { batches, flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 10, maxInFlight: 1 });
    const first = batcher.write(1);
    expect(batches).toEqual([]);
    await flushStarts();
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((item) => batcher.write(item));
    expect(batches).toEqual([[1]]);
    finishNext();
    await expect(first).resolves.toBe(10);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    finishNext();
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
  });

  it('writes the items of callers resumed by one event in one flush, not the first alone', async () => {
    const { batches, flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 10, maxInFlight: 1 });
    // Three callers resumed by the same event, each the same few awaits into its own work when it writes.
    const event = Promise.resolve();
    const written = [1, 2, 3].map((item) =>
      event.then(async () => {
        await null;
        await null;
        return batcher.write(item);
      }),
    );
    await settled();
    expect(batches).toEqual([[1, 2, 3]]);
    finishNext();
    await expect(Promise.all(written)).resolves.toEqual([10, 20, 30]);
  });

  it('still flushes when a test fakes the timers (fake timers replace queueMicrotask)', async () => {
    const { batches, flush } = manualFlush();
    jest.useFakeTimers();
    try {
      const batcher = new WriteBatcher(flush, { maxBatch: 10, maxInFlight: 1 });
      void batcher.write(7);
      await flushStarts();
      expect(batches).toEqual([[7]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('fails the waiting items, rather than the process, when weighing an item throws', async () => {
    const { flush } = manualFlush();
    const batcher = new WriteBatcher(flush, {
      maxBatch: 10,
      maxInFlight: 1,
      maxWeight: 10,
      weigh: (item: number) => {
        if (item === 13) throw new Error('cannot weigh 13');
        return 1;
      },
    });
    await expect(batcher.write(13)).rejects.toThrow('cannot weigh 13');
  });

  it('fills whole batches with the items of one writeAll call, each answered on its own', async () => {
    const { batches, flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 4, maxInFlight: 2 });
    const outcomes = Promise.allSettled(batcher.writeAll([1, 2, -3, 4, 5, 6, 7, 8, 9, 10]));
    expect(batches.map((batch) => batch.length)).toEqual([4, 4]);
    finishNext();
    finishNext();
    await settled();
    expect(batches.map((batch) => batch.length)).toEqual([4, 4, 2]);
    finishNext();
    expect((await outcomes).map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([
      10, 20, 'bad -3', 40, 50, 60, 70, 80, 90, 100,
    ]);
  });

  it('keeps batches within maxBatch and flushes up to maxInFlight at once', async () => {
    const { batches, flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5, 6, 7].map((item) => batcher.write(item));
    await flushStarts();
    expect(batches).toEqual([[1, 2], [3, 4]]);
    finishNext();
    await settled();
    expect(batches).toEqual([[1, 2], [3, 4], [5, 6]]);
    finishNext();
    finishNext();
    await settled();
    finishNext();
    await expect(Promise.all(all)).resolves.toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(batches).toEqual([[1, 2], [3, 4], [5, 6], [7]]);
  });

  it("settles each item with its own outcome, and fails a whole batch whose flush throws", async () => {
    const { flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 10, maxInFlight: 1 });
    const good = batcher.write(1);
    await flushStarts();
    const [alsoGood, bad] = [batcher.write(2), batcher.write(-1)];
    finishNext();
    await settled();
    finishNext();
    await expect(good).resolves.toBe(10);
    await expect(alsoGood).resolves.toBe(20);
    await expect(bad).rejects.toThrow('bad -1');

    const failing = new WriteBatcher<number, number>(() => Promise.reject(new Error('database down')), { maxBatch: 10, maxInFlight: 1 });
    await expect(Promise.all([failing.write(1), failing.write(2)])).rejects.toThrow('database down');
    await expect(failing.write(3)).rejects.toThrow('database down');
  });

  it('lingers before a flush only while busy (the last batch was big), and not past a full batch', async () => {
    const { batches, flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 3, maxInFlight: 1, lingerMs: 40, lingerAfter: 2 });
    void batcher.write(1);
    await flushStarts();
    void batcher.write(2);
    void batcher.write(3);
    finishNext();
    await settled();
    // The last batch held 1: no lingering.
    expect(batches).toEqual([[1], [2, 3]]);
    const fourth = batcher.write(4);
    void batcher.write(5);
    const lingerStart = Date.now();
    finishNext();
    await settled();
    // The last batch held 2 and items kept coming: busy, so 4 and 5 wait for company.
    expect(batches).toHaveLength(2);
    await waitUntil(() => batches.length === 3);
    expect(Date.now() - lingerStart).toBeGreaterThanOrEqual(35);
    expect(batches[2]).toEqual([4, 5]);

    // Still busy (last batch 2), but a batch that is already full goes at once.
    const full = [6, 7, 8].map((item) => batcher.write(item));
    finishNext();
    await expect(fourth).resolves.toBe(40);
    await settled();
    expect(batches[3]).toEqual([6, 7, 8]);
    finishNext();
    await expect(Promise.all(full)).resolves.toEqual([60, 70, 80]);
  });

  it('writes at once again after going idle, however big the last batch was', async () => {
    const { batches, flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 10, maxInFlight: 1, lingerMs: 5000, lingerAfter: 2 });
    const first = [batcher.write(1)];
    await flushStarts();
    first.push(batcher.write(2), batcher.write(3));
    finishNext();
    await settled();
    finishNext();
    await Promise.all(first);
    await settled();
    expect(batches).toEqual([[1], [2, 3]]);
    const alone = batcher.write(4);
    await flushStarts();
    expect(batches).toEqual([[1], [2, 3], [4]]);
    finishNext();
    await expect(alone).resolves.toBe(40);
  });

  it('keeps a batch within maxWeight, except a single heavier item, which goes alone', async () => {
    const { batches, flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 10, maxInFlight: 1, maxWeight: 10, weigh: (item: number) => item });
    const all = [batcher.write(1)];
    await flushStarts();
    all.push(...[4, 4, 4, 20].map((item) => batcher.write(item)));
    for (let i = 0; i < 4; i++) {
      finishNext();
      await settled();
    }
    await Promise.all(all);
    expect(batches).toEqual([[1], [4, 4], [4], [20]]);
  });

  it('sends items written together by writeAll in one flush, each with its own outcome', async () => {
    const { batches, flush, finishNext } = manualFlush();
    const batcher = new WriteBatcher(flush, { maxBatch: 10, maxInFlight: 1 });
    const written = batcher.writeAll([1, -2, 3]);
    await flushStarts();
    expect(batches).toEqual([[1, -2, 3]]);
    finishNext();
    const outcomes = await Promise.allSettled(written);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message))).toEqual([10, 'bad -2', 30]);
  });
});
