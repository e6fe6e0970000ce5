import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * Base class of every error the library throws on purpose, so callers can catch them as a family.
 * It is an `HttpException` (as @nestjs/throttler's errors are): thrown from a controller of any
 * Nest app, an unknown id answers 404, an invalid submission 400 and a taken id 409 with the named
 * error in the body — no filter to register. `status` is that HTTP status.
 */
export class AsyncTaskError extends HttpException {
  constructor(message: string, status: HttpStatus = HttpStatus.INTERNAL_SERVER_ERROR) {
    super({ statusCode: status, error: new.target.name, message }, status);
    this.name = new.target.name;
    // HttpException's own fields stay usable but out of the way when a start-up error is printed.
    for (const field of ['response', 'status', 'options', 'errorCode', ...(this.cause === undefined ? ['cause'] : [])]) {
      Object.defineProperty(this, field, { enumerable: false });
    }
  }
}
