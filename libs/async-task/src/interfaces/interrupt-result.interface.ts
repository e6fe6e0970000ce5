/** What an interrupt did. */
export interface InterruptResult {
  taskId: string;
  /**
   * `cancelled`: it was queued and is now CANCELLED. `interrupting`: it was running; the interrupt is
   * recorded on the task and it always ends in CANCELLED — even if `execute()` had just completed its
   * work (the interrupt won the race with the end). `already-finished`: its end was written before
   * the interrupt, see `status` (SUCCESS, FAILED or CANCELLED).
   */
  outcome: 'cancelled' | 'interrupting' | 'already-finished';
  status: number;
}
