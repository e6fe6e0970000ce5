/**
 * Reads ffmpeg's `-progress pipe:1` output: blocks of `key=value` lines, each closed by
 * `progress=continue` or `progress=end`. Calls `onTime` with the media time reached (in
 * microseconds) at the end of each block; feed it chunks as they come, split anywhere.
 */
export class FfmpegProgressParser {
  private pending = '';
  private outTimeUs: number | undefined;

  constructor(private readonly onTime: (outTimeUs: number, ended: boolean) => void) {}

  push(chunk: string): void {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line.trim());
  }

  private line(line: string): void {
    const equals = line.indexOf('=');
    if (equals < 0) return;
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);
    // `out_time_us` is "N/A" until the first frame is out; ffmpeg's `out_time_ms` is microseconds too, so skip it.
    if (key === 'out_time_us' && /^\d+$/.test(value)) this.outTimeUs = Number(value);
    if (key === 'progress' && this.outTimeUs !== undefined) this.onTime(this.outTimeUs, value === 'end');
  }
}
