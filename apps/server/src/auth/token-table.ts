/** Who is calling: a user (sees only their own tasks) or an admin (sees all). */
export interface Caller {
  uid: string;
  admin: boolean;
}

/** Bearer token → caller, parsed from `TOKENS`. */
export type TokenTable = ReadonlyMap<string, Caller>;

/** The uid an admin's own submissions are recorded under. */
export const ADMIN_UID = 'admin';

/**
 * Parses `alice-token=alice,bob-token=bob,root-token=*`: each entry maps a token to a uid, and `*`
 * makes the token an admin's. Throws with the offending entry when one is malformed.
 */
export function parseTokens(spec: string): TokenTable {
  const table = new Map<string, Caller>();
  for (const entry of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    // A uid starts with a letter or digit: it also names the user's data folder ("." and ".." never).
    const match = /^([A-Za-z0-9._~+/-]{8,})=([A-Za-z0-9][A-Za-z0-9._@-]{0,63}|\*)$/.exec(entry);
    if (!match) {
      throw new Error(
        `TOKENS entry "${entry}" is malformed: use token=uid (token ≥ 8 characters of A-Z a-z 0-9 . _ ~ + / -, ` +
          'uid of letters, digits, . _ @ -, or * for an admin)',
      );
    }
    const [, token, uid] = match;
    if (table.has(token)) throw new Error(`TOKENS lists the token of "${uid}" twice`);
    // A user named like the admin would own the admin's tasks (and, in MySQL's collation, so would
    // "Admin"); two users differing only by case would be one user to the database.
    if (uid !== '*' && uid.toLowerCase() === ADMIN_UID) throw new Error(`TOKENS: "${uid}" is reserved for admins (use * for an admin's token)`);
    const twin = [...table.values()].find((caller) => caller.uid !== uid && caller.uid.toLowerCase() === uid.toLowerCase() && !caller.admin);
    if (twin) throw new Error(`TOKENS: users "${twin.uid}" and "${uid}" differ only by case; give them distinct names`);
    table.set(token, uid === '*' ? { uid: ADMIN_UID, admin: true } : { uid, admin: false });
  }
  if (table.size === 0) throw new Error('TOKENS is empty: give at least one token=uid entry');
  return table;
}
