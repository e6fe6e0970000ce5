import { newTaskId } from './task-id.js';

describe('newTaskId', () => {
  it('is 26 Crockford characters, ordered by time, and unique', () => {
    const ids = Array.from({ length: 10000 }, () => newTaskId(1764300000000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const earlier = newTaskId(1764300000001);
    expect(newTaskId(1764300000002) > earlier).toBe(true);
  });

  it('sorts ids of one millisecond in the order they were made (newest-first lists keep it)', () => {
    const ids = Array.from({ length: 1000 }, () => newTaskId(1764300005000));
    expect([...ids].sort()).toEqual(ids);
    // A clock that steps back does not make an id sort before the ones already given.
    const before = newTaskId(1764300004000);
    expect(before > ids.at(-1)!).toBe(true);
  });
});
