/**
 * The id of the task a schedule's tick submits: the same on every node for one (schedule, due time),
 * so a second node firing the same tick hits the primary key instead of running it twice.
 * At most 40 + 4 + 13 characters, within the 64 of a task id.
 */
export function scheduledTaskId(scheduleId: string, dueAt: Date): string {
  return `${scheduleId}-at-${dueAt.getTime()}`;
}
