import { PrometheusText } from './prometheus-text.js';

describe('PrometheusText', () => {
  it('writes HELP and TYPE once, then samples with escaped labels', () => {
    const text = new PrometheusText()
      .metric('tasks', 'gauge', 'Tasks.', [
        [{ type: 'a"b\\c\nd' }, 2],
        [{}, 0.5],
      ])
      .metric('run_seconds', 'summary', 'Run time.', [])
      .sample('run_seconds_sum', { type: 'x' }, Number.NaN)
      .toString();
    expect(text).toBe(
      '# HELP tasks Tasks.\n# TYPE tasks gauge\ntasks{type="a\\"b\\\\c\\nd"} 2\ntasks 0.5\n' +
        '# HELP run_seconds Run time.\n# TYPE run_seconds summary\nrun_seconds_sum{type="x"} NaN\n',
    );
  });
});
