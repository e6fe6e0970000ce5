import { FfmpegProgressParser } from './ffmpeg-progress.js';

describe('FfmpegProgressParser', () => {
  it('reports out_time_us at the end of each block, across chunk boundaries, skipping N/A', () => {
    const seen: Array<[number, boolean]> = [];
    const parser = new FfmpegProgressParser((us, ended) => seen.push([us, ended]));
    parser.push('frame=0\nout_time_us=N/A\nout_time_ms=N/A\nprogress=continue\nframe=25\nout_time');
    parser.push('_us=1000000\nout_time_ms=1000000\nspeed=2.1x\nprogress=cont');
    parser.push('inue\nout_time_us=2500000\nprogress=end\n');
    expect(seen).toEqual([
      [1_000_000, false],
      [2_500_000, true],
    ]);
  });
});
