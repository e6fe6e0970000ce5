import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import {
  AsyncTaskError,
  AsyncTaskNotFoundError,
  DuplicateTaskIdError,
  InvalidAsyncTaskError,
  TaskNotEndedError,
} from '@sfc/async-task';

/** Maps the library's named errors to HTTP: invalid input 400, unknown id 404, taken id or rerun of a task not ended 409. */
@Catch(AsyncTaskError)
export class AsyncTaskErrorsFilter implements ExceptionFilter {
  catch(error: AsyncTaskError, host: ArgumentsHost): void {
    const status =
      error instanceof InvalidAsyncTaskError ? 400 : error instanceof AsyncTaskNotFoundError ? 404 : error instanceof DuplicateTaskIdError || error instanceof TaskNotEndedError ? 409 : 500;
    host.switchToHttp().getResponse<Response>().status(status).json({ statusCode: status, error: error.name, message: error.message });
  }
}
