import { parseTokens } from './token-table.js';

describe('parseTokens', () => {
  it('maps tokens to users, and * to an admin', () => {
    const table = parseTokens('alice-token=alice, bob-token=bob,admin-token=*');
    expect(table.get('alice-token')).toEqual({ uid: 'alice', admin: false });
    expect(table.get('admin-token')).toEqual({ uid: 'admin', admin: true });
    expect(table.size).toBe(3);
  });

  it.each([
    'short=al', 'alice-token', 'alice-token=', 'alice-token=al ice', 'a-token-1=x,a-token-1=y', ' , ',
    'alice-token=..', 'alice-token=.hidden', 'user-token=admin', 'user-token=ADMIN', 'alice-token=alice,alice2-token=ALICE',
  ])('refuses %j', (spec) => {
    expect(() => parseTokens(spec)).toThrow(/TOKENS/);
  });
});
