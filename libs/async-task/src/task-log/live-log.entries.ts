/**
 * The entries of an attempt's live log stream (Redis), shared by its writer and its readers.
 * Entry ids are `0-<sequence>`, chosen by the writer: re-sending a batch after a lost reply is then a
 * no-op (Redis refuses an id that is not above the last one), so readers never see text twice.
 */
export type LiveLogEntry =
  | { kind: 'start'; node: string; startedAt: Date; reason?: string }
  | { kind: 'text'; text: string }
  | { kind: 'end' };

export interface StoredEntry {
  id: string;
  entry: LiveLogEntry;
}

/** Redis field/value pairs of an entry. */
export function entryFields(entry: LiveLogEntry): string[] {
  switch (entry.kind) {
    case 'start':
      return ['node', entry.node, 'started', String(entry.startedAt.getTime()), ...(entry.reason ? ['reason', entry.reason] : [])];
    case 'text':
      return ['t', entry.text];
    case 'end':
      return ['end', '1'];
  }
}

export function parseEntry(fields: string[]): LiveLogEntry | undefined {
  switch (fields[0]) {
    case 't':
      return { kind: 'text', text: fields[1] ?? '' };
    case 'node':
      return { kind: 'start', node: fields[1] ?? '', startedAt: new Date(Number(fields[3])), ...(fields[4] === 'reason' ? { reason: fields[5] } : {}) };
    case 'end':
      return { kind: 'end' };
    default:
      return undefined;
  }
}

/** Parses an XREAD reply for one key: `[[key, [[id, fields], …]]]`, or null when nothing came. */
export function parseXreadReply(reply: unknown): StoredEntry[] {
  const streams = reply as Array<[string, Array<[string, string[]]>]> | null;
  const entries: StoredEntry[] = [];
  for (const [id, fields] of streams?.[0]?.[1] ?? []) {
    const entry = parseEntry(fields);
    if (entry) entries.push({ id, entry });
  }
  return entries;
}

/** Parses an XREAD reply for several keys into entries per key (keys without entries are absent). */
export function parseXreadMultiReply(reply: unknown): Map<string, StoredEntry[]> {
  const streams = (reply as Array<[string, unknown]> | null) ?? [];
  return new Map(streams.map(([key, entries]) => [key, parseXreadReply([[key, entries]])]));
}

/** Redis' reply when an XADD id is not above the stream's last one: that entry is already stored. */
export function isAlreadyStored(error: Error | null | undefined): boolean {
  return !!error && /equal or smaller than the target stream top item/i.test(error.message);
}
