/** Injection token of the resolved options (defaults merged, validated). */
export const ASYNC_TASK_RESOLVED_OPTIONS = Symbol('ASYNC_TASK_RESOLVED_OPTIONS');

/** Task types become queue names: keep them to characters every Redis tool shows plainly. */
export const TASK_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Caller-chosen ids share the column with generated ones. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const MAX_NAME_LENGTH = 255;
export const MAX_UID_LENGTH = 64;
/** Submit priority range: higher runs sooner. */
export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 1000;
/**
 * Limits of one `submitAsyncTasks()` call: the tasks it holds, and the bytes of their params together
 * (each task's params are also capped by the `maxParamsBytes` option). Past them the whole call is
 * refused with BulkSubmissionTooLargeError before anything is written: split it into several calls.
 */
export const MAX_BULK_SUBMIT_TASKS = 10_000;
export const MAX_BULK_SUBMIT_BYTES = 16 * 1024 * 1024;
