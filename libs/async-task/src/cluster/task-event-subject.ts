import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { AsyncTaskEventSubject } from '../interfaces/async-task-event.interface.js';

/** Who a task's events are about (as far as `record` tells), so listeners can filter them without reading MySQL. */
export function subjectOf(taskId: string, record: Partial<Pick<AsyncTaskRecord, 'uid' | 'name' | 'taskType'>> | undefined): AsyncTaskEventSubject {
  const subject: AsyncTaskEventSubject = { taskId };
  if (record?.uid !== undefined) subject.uid = record.uid;
  if (record?.name !== undefined) subject.name = record.name;
  if (record?.taskType !== undefined) subject.taskType = record.taskType;
  return subject;
}
