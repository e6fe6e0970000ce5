// Attempts of a task, read from its log as it streams: the server heads each attempt with
// "===== attempt 2 on node-b, started 2026-11-28 14:03:07.123, retry 1 of 3 after 1.0 s backoff: … ====="
// (node and time when known; why it started — retry, rerun, after failover — for all but a first run).
const HEADER = /^===== attempt (\d+)(?: on (.+?))?(?:, started (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}))?(?:, (.+?))? =====$/;

/** A log entry's first line: `[ INFO][2026-11-28 14:03:07.123] …`; other lines continue the entry before (stack lines). */
const ENTRY = /^\[[ A-Z]{5}\]\[/;

export class AttemptsFromLog {
  /** Oldest first: { number, node, started, reason, entries, lastEntry, firstError }. */
  attempts = [];
  #partial = '';

  /** Takes the next piece of log text; returns true when the attempts changed. */
  feed(text) {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop();
    for (const line of lines) this.#line(line);
    return lines.length > 0;
  }

  #line(line) {
    const header = HEADER.exec(line);
    if (header) {
      this.attempts.push({ number: Number(header[1]), node: header[2] ?? '', started: header[3] ?? '', reason: header[4] ?? '', entries: 0, lastEntry: '', firstError: '' });
      return;
    }
    if (!ENTRY.test(line)) return;
    if (this.attempts.length === 0) this.#line('===== attempt 1 ====='); // a log without headers
    const attempt = this.attempts.at(-1);
    attempt.entries += 1;
    attempt.lastEntry = line;
    if (!attempt.firstError && line.startsWith('[ERROR]')) attempt.firstError = line;
  }
}
