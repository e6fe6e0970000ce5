import type { LogSink } from '../task/async-task-log.js';
import { formatLogLine } from '../task/log-line.format.js';

/**
 * The log of one attempt as it is kept: text up to a byte cap, then one visible truncation marker,
 * then nothing (the task keeps running; writes past the cap cost almost nothing).
 */
export class AttemptLog implements LogSink {
  private readonly chunks: string[] = [];
  private bytes = 0;
  truncated = false;
  /** Bytes written past the cap (reported in the marker at the end). */
  droppedBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onAccepted: (text: string) => void = () => {},
  ) {}

  write(text: string): void {
    if (this.truncated) {
      this.droppedBytes += Buffer.byteLength(text);
      return;
    }
    const size = Buffer.byteLength(text);
    if (this.bytes + size <= this.maxBytes) {
      this.accept(text, size);
      return;
    }
    // Keep what fits of this chunk, cut at a character boundary, then the marker.
    const room = this.maxBytes - this.bytes;
    const head = Buffer.from(text).subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
    if (head) this.accept(head, Buffer.byteLength(head));
    this.droppedBytes += size - Buffer.byteLength(head);
    this.truncated = true;
    const marker = (head.endsWith('\n') || this.bytes === 0 ? '' : '\n') +
      formatLogLine('WARN', `log truncated: this attempt's log reached its cap of ${this.maxBytes} bytes; further output is dropped`);
    this.chunks.push(marker);
    this.onAccepted(marker);
  }

  private accept(text: string, size: number): void {
    this.chunks.push(text);
    this.bytes += size;
    this.onAccepted(text);
  }

  text(): string {
    return this.chunks.join('');
  }
}
