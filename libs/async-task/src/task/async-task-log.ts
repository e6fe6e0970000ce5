import { Writable } from 'node:stream';
import { formatLogLine, type LogLevel } from './log-line.format.js';

/** Receives the text a task writes to its log. */
export interface LogSink {
  write(text: string): void;
}

/**
 * The log handed to `AsyncTask.execute()`: a Writable (pipe a child process's output into it) with
 * `info/warn/error/debug` helpers that write formatted lines. Writing never blocks or throws, even
 * past the per-attempt size cap: the excess is dropped after a truncation marker.
 */
export class AsyncTaskLog extends Writable {
  constructor(private readonly sink: LogSink) {
    super({ decodeStrings: false });
  }

  info(message: string): void {
    this.line('INFO', message);
  }

  warn(message: string): void {
    this.line('WARN', message);
  }

  debug(message: string): void {
    this.line('DEBUG', message);
  }

  /** Logs a message, or an error with its stack. */
  error(message: string | Error): void {
    this.line('ERROR', message instanceof Error ? (message.stack ?? message.message) : message);
  }

  private line(level: LogLevel, message: string): void {
    this.sink.write(formatLogLine(level, message));
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sink.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    callback();
  }
}
