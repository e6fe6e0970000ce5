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
