/** Base class of every error the library throws on purpose, so callers can catch them as a family. */
export class AsyncTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
