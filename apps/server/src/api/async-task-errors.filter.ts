import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AsyncTaskError } from '@sfc/async-task';

/**
 * Answers the library's named errors with the HTTP status each one carries (invalid input 400,
 * unknown task or schedule 404, taken id or rerun of a task not ended 409) and its name.
 */
@Catch(AsyncTaskError)
export class AsyncTaskErrorsFilter implements ExceptionFilter {
  catch(error: AsyncTaskError, host: ArgumentsHost): void {
    const status = error.getStatus();
    host.switchToHttp().getResponse<Response>().status(status).json({ statusCode: status, error: error.name, message: error.message });
  }
}
