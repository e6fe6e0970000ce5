import { groupBySlot, hashTagOf } from './slot-groups.js';

describe('keys grouped by slot', () => {
  it('groups keys by their hash tag and leaves untagged keys alone', () => {
    expect(hashTagOf('p:{nodes}:node:a')).toBe('nodes');
    expect(hashTagOf('p:{}:x')).toBe('p:{}:x');
    expect(groupBySlot(['p:{task.a}:1', 'p:interrupt:1', 'p:{task.a}:2', 'p:{task.b}:1', 'p:interrupt:2'])).toEqual([[0, 2], [1], [3], [4]]);
  });
});
