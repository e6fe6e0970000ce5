/** Parses a task's params string as a JSON object, or throws a message saying which task wanted what. */
export function parseParamsObject(taskType: string, params: string, expected: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(params);
  } catch {
    throw new Error(`${taskType} params must be JSON like ${expected}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${taskType} params must be an object like ${expected}`);
  return value as Record<string, unknown>;
}
