/**
 * How long ended tasks (and their log rows) are kept, by final status. A status without an age is
 * kept forever; with no `retention` option at all nothing is ever deleted (the default).
 */
export interface RetentionOptions {
  /**
   * Age, in ms since the task ended (`finished_at`), after which it is deleted with its logs.
   * E.g. `{ success: 7 * DAY, cancelled: 7 * DAY, failed: 30 * DAY }` keeps failures longer.
   * @default {} (keep everything)
   */
  maxAgeMs?: { success?: number; failed?: number; cancelled?: number };
  /** How often one node (under a cluster-wide lock) prunes. @default 60000 */
  intervalMs?: number;
  /** Tasks deleted per transaction; each batch locks only its own ended rows, for milliseconds. @default 500 */
  batchSize?: number;
}
