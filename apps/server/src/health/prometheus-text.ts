/** Builds Prometheus text exposition format (version 0.0.4): HELP and TYPE once per metric, then samples. */
export class PrometheusText {
  private readonly lines: string[] = [];

  metric(name: string, type: 'gauge' | 'counter' | 'summary', help: string, samples: Array<[Record<string, string | number>, number]>): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.sample(name, labels, value);
    return this;
  }

  /** A sample of the metric declared last (e.g. `_sum` and `_count` of a summary). */
  sample(name: string, labels: Record<string, string | number>, value: number): this {
    const pairs = Object.entries(labels).map(([key, label]) => `${key}="${escapeLabel(String(label))}"`);
    this.lines.push(`${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${Number.isFinite(value) ? value : 'NaN'}`);
    return this;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
