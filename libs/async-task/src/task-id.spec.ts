import { newTaskId } from './task-id.js';

describe('newTaskId', () => {
  it('is 26 Crockford characters, ordered by time, and unique', () => {
    const ids = Array.from({ length: 10000 }, () => newTaskId(1764300000000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newTaskId(1764300000001) > newTaskId(1764300000000)).toBe(true);
  });
});
