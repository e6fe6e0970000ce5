/** The text of anything thrown, for logs and failure reasons: an Error's message (or name), else its string form. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
