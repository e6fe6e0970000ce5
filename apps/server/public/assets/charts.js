// The charts of the last hour, drawn with uPlot (served by this server from its npm package):
// tasks finished and failed per minute, queue depth, and each worker node's load. A caption under
// each title says the figures in words, for people who do not hover over the lines.
import uPlot from '/vendor/uplot.js';
import { $ } from './dom.js';

const HEIGHT = 150;
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];
const NODE_COLORS = ['#2f6fed', '#8e44ad', '#e67e22', '#16a085', '#c0392b', '#7f8c8d'];
const charts = new Map(); // figure id → { plot, key } (key: the series drawn; others need a new plot)

const HOUR_SECONDS = 3600;
const pad = (number) => String(number).padStart(2, '0');
/** Epoch seconds as local HH:MM (HH:MM:SS with `seconds`), like the other times on the page. */
const clock = (epochSeconds, seconds = false) => {
  const date = new Date(epochSeconds * 1000);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}${seconds ? `:${pad(date.getSeconds())}` : ''}`;
};

const axis = (values) => ({ stroke: '#5a6478', font: '11px system-ui, sans-serif', grid: { stroke: '#eef0f5', width: 1 }, ticks: { show: false }, ...values });
const timeAxis = () => axis({ space: 55, values: (_plot, ticks, _axis, _space, step) => ticks.map((tick) => clock(tick, step < 60)) });
const countAxis = () => axis({ incrs: COUNT_STEPS, size: 40 });
const fromZero = (floor) => (_plot, _min, max) => [0, Math.max(floor, Math.ceil((max ?? 0) * 1.1))];
/** The task charts span the same last hour, so their minutes line up. */
const lastHour = (nowSeconds) => ({ time: true, range: () => [nowSeconds - HOUR_SECONDS, nowSeconds] });
/** Out of the plot, the legend shows the latest values instead of dashes. */
const showLatestInLegend = (plot) => plot.cursor.idx == null && plot.data[0].length > 0 && plot.setLegend({ idx: plot.data[0].length - 1 });
const latestInLegend = { ready: [showLatestInLegend], setCursor: [showLatestInLegend], setData: [showLatestInLegend] };

/** Draws `data` in the figure's plot, creating the chart when its series are new. */
function draw(id, key, options, data) {
  const figure = $(`#${id}`);
  const box = figure.querySelector('.plot');
  const width = Math.max(200, box.clientWidth);
  const current = charts.get(id);
  if (current && current.key === key) {
    current.plot.setData(data);
    return;
  }
  current?.plot.destroy();
  charts.set(id, { key, plot: new uPlot({ width, height: HEIGHT, hooks: latestInLegend, ...options }, data, box) });
}

function caption(id, text) {
  const figure = $(`#${id}`);
  figure.querySelector('.summary').textContent = text;
  figure.querySelector('.summary').title = text;
  figure.setAttribute('aria-label', `${figure.querySelector('b').textContent}: ${text}`);
}

/** Minutes are drawn at their middle (the server stamps their end), so a minute's bars sit inside it. */
const minuteMiddles = (minutes) => minutes.map((minute) => minute.at / 1000 - 30);
const minuteLabel = { label: 'minute', value: (_plot, value) => (value == null ? '–' : `${clock(value - 30)}–${clock(value + 30)}`) };

function showThroughput(minutes) {
  const succeeded = minutes.map((minute) => minute.succeeded);
  const failed = minutes.map((minute) => minute.failed);
  const bars = (align) => uPlot.paths.bars({ size: [0.48, 14], align, gap: 0 });
  draw('chart-throughput', 'throughput', {
    scales: { x: lastHour(minutes.at(-1).at / 1000), y: { range: fromZero(4) } },
    axes: [timeAxis(), countAxis()],
    series: [
      minuteLabel,
      { label: 'succeeded', stroke: '#2e9e57', fill: '#2e9e57cc', width: 0, paths: bars(-1), points: { show: false } },
      { label: 'failed', stroke: '#d9483b', fill: '#d9483bcc', width: 0, paths: bars(1), points: { show: false } },
    ],
  }, [minuteMiddles(minutes), succeeded, failed]);
  const sum = (values) => values.reduce((total, value) => total + value, 0);
  caption('chart-throughput', `last hour: ${sum(succeeded)} succeeded, ${sum(failed)} failed`);
}

function showQueueDepth(minutes) {
  const waiting = minutes.map((minute) => minute.waiting);
  draw('chart-depth', 'depth', {
    scales: { x: lastHour(minutes.at(-1).at / 1000), y: { range: fromZero(4) } },
    axes: [timeAxis(), countAxis()],
    series: [
      { label: 'at', value: (_plot, value) => (value == null ? '–' : clock(value)) },
      { label: 'waiting', stroke: '#c98a00', fill: '#f5c54233', width: 2, points: { show: false } },
    ],
  }, [minutes.map((minute) => minute.at / 1000), waiting]);
  caption('chart-depth', `${waiting.at(-1) ?? 0} waiting now, at most ${Math.max(0, ...waiting)} in the last hour`);
}

/**
 * Each worker node's load as a share of its budget (so nodes of any size compare), over the time
 * this server has sampled it (up to an hour: a restarted server starts afresh). The scale reaches
 * at least 25 %, so that a light load is still a visible line.
 */
function showNodeLoad(samples, nowSeconds) {
  const nodeIds = [...new Set(samples.flatMap((sample) => sample.nodes.map((node) => node.nodeId)))];
  const percents = nodeIds.map((nodeId) =>
    samples.map((sample) => {
      const node = sample.nodes.find((candidate) => candidate.nodeId === nodeId);
      return node ? Math.round((node.load / Math.max(1, node.maxLoad)) * 1000) / 10 : null;
    }));
  draw('chart-load', `load:${nodeIds.join(',')}`, {
    scales: { x: { time: true, range: () => [Math.max(nowSeconds - HOUR_SECONDS, (samples[0]?.at ?? nowSeconds * 1000) / 1000 - 10), nowSeconds] }, y: { range: fromZero(25) } },
    axes: [timeAxis(), axis({ size: 44, values: (_plot, ticks) => ticks.map((tick) => `${tick}%`) })],
    series: [
      { label: 'at', value: (_plot, value) => (value == null ? '–' : clock(value, true)) },
      ...nodeIds.map((nodeId, i) => ({ label: nodeId, stroke: NODE_COLORS[i % NODE_COLORS.length], width: 2, points: { show: false }, value: (_plot, value) => (value == null ? '–' : `${value}%`) })),
    ],
  }, [samples.map((sample) => sample.at / 1000), ...percents]);
  const latest = samples.at(-1)?.nodes ?? [];
  caption('chart-load', latest.length === 0
    ? 'no worker node seen yet'
    : `since ${clock(samples[0].at / 1000)}; ${latest.map((node) => `${node.nodeId}: ${node.load}/${node.maxLoad} now`).join(', ')}`);
}

/** Redraws every chart from an answer of GET /api/stats. */
export function showCharts(stats) {
  showThroughput(stats.minutes);
  showQueueDepth(stats.minutes);
  showNodeLoad(stats.nodeLoad, stats.minutes.at(-1).at / 1000);
}

window.addEventListener('resize', () => {
  for (const [id, { plot }] of charts) plot.setSize({ width: Math.max(200, $(`#${id} .plot`).clientWidth), height: HEIGHT });
});
