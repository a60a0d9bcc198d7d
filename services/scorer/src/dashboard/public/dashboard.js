// The live page: one snapshot per second from /api/stream (server-sent events), polling /api/latency as fallback.
import {
  ACTIONS,
  DISTRIBUTION,
  OVER_TIME,
  THROUGHPUT,
  renderDistribution,
  renderMixChart,
  renderOverTime,
  renderThroughput,
} from './chart-panels.js';
import {
  formatClock,
  formatCount,
  formatLatency,
  formatPartitions,
  formatPercent,
  formatRate,
  formatUptime,
} from './format.js';
import { renderDrift, renderExplained, renderQuality } from './model-panels.js';

const LATENCIES = [
  {
    key: 'process',
    label: 'process',
    about: 'record received by the scorer → its decision acknowledged by the broker',
  },
  { key: 'e2e', label: 'e2e', about: 'Kafka timestamp of the transaction → its decision acknowledged' },
  { key: 'model_call', label: 'model call', about: 'one ONNX session.run over a micro-batch' },
  { key: 'model_row', label: 'model row', about: 'a model call divided by the rows in its batch' },
];
const WINDOWS = [
  { key: 'cumulative', label: 'since start' },
  { key: 'interval', label: 'last interval' },
];
const DEGRADED_REASONS = { 'model-failed': 'model failed', deadline: 'deadline passed' };
const COMMIT_RESULTS = ['ok', 'stale', 'failed'];
const STATS = ['count', 'min', 'mean', 'p50', 'p90', 'p99', 'p99_9', 'p99_99', 'max', 'clamped'];
const $ = (selector) => document.querySelector(selector);
const byTestId = (id) => document.querySelector(`[data-testid="${CSS.escape(id)}"]`);
let selected = 'process';
let latest;

/** Writes a number into the element with this test id: formatted text, raw value in data-value. */
function show(testId, value, format) {
  const element = byTestId(testId);
  if (!element) return;
  element.textContent = format(value);
  element.dataset.value = String(value);
}

function legend(list, items, extra = () => '') {
  list.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement('li');
      li.style.setProperty('--swatch', item.color);
      li.textContent = item.label + extra(item);
      return li;
    }),
  );
}

function setUp() {
  const tabs = $('#latency-tabs');
  for (const latency of LATENCIES) {
    const button = document.createElement('button');
    button.type = 'button';
    button.role = 'tab';
    button.textContent = latency.label;
    button.dataset.latency = latency.key;
    button.addEventListener('click', () => {
      selected = latency.key;
      if (latest) render(latest);
    });
    tabs.append(button);
  }
  const rows = $('#latency-rows');
  for (const latency of LATENCIES) {
    WINDOWS.forEach((window, i) => {
      const tr = document.createElement('tr');
      if (i === 0) tr.className = 'group-start';
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = i === 0 ? latency.label : '';
      const when = document.createElement('td');
      when.className = 'window';
      when.textContent = window.label;
      tr.append(name, when);
      for (const stat of STATS) {
        const td = document.createElement('td');
        td.dataset.testid = `${latency.key}-${window.key}-${stat}`;
        td.textContent = '–';
        tr.append(td);
      }
      rows.append(tr);
    });
  }
  const definitions = $('#latency-definitions');
  for (const latency of LATENCIES) {
    const dt = document.createElement('dt');
    dt.textContent = latency.label;
    const dd = document.createElement('dd');
    dd.textContent = latency.about;
    definitions.append(dt, dd);
  }
  legend($('#over-time-legend'), OVER_TIME);
  legend($('#throughput-legend'), THROUGHPUT);
  legend($('#distribution-legend'), DISTRIBUTION);
}

function render(s) {
  latest = s;
  show('model-version', s.modelVersion ?? '–', String);
  show('challenger-version', s.models?.challengerVersion ?? 'none', String);
  show('uptime', s.uptimeSeconds, formatUptime);
  show('interval-length', s.intervalMs, (ms) => `${ms / 1000} s`);
  show('interval-index', s.interval.index, String);
  show('taken-at', s.takenAt, formatClock);

  show('throughput-in', s.throughput.inPerSecond, formatRate);
  show('throughput-out', s.throughput.outPerSecond, formatRate);
  for (const key of ['process', 'e2e']) {
    const now = s.latency[key].interval;
    show(`headline-${key}-p99`, now.p99, now.count === 0 ? () => '–' : formatLatency);
  }
  show('transactions-in', s.totals.transactionsIn, formatCount);
  show('decisions-out', s.totals.decisionsOut, formatCount);
  show('degraded', s.totals.degraded, formatCount);
  show('dead-letters', s.totals.deadLetters, formatCount);
  show(
    'lag-total',
    s.lag.reduce((sum, p) => sum + p.lag, 0),
    formatCount,
  );

  for (const latency of LATENCIES) {
    for (const window of WINDOWS) {
      const stats = s.latency[latency.key][window.key];
      for (const stat of STATS) {
        const format = stat === 'count' || stat === 'clamped' ? formatCount : formatLatency;
        show(
          `${latency.key}-${window.key}-${stat}`,
          stats[stat],
          stats.count === 0 && format !== formatCount ? () => '–' : format,
        );
      }
    }
  }
  $('#latency-hint').textContent =
    s.interval.index === 0
      ? `Latencies appear when the first ${s.intervalMs / 1000} s interval completes.`
      : `Updated every ${s.intervalMs / 1000} s; last interval ended ${formatClock(s.interval.endedAt)}.`;

  for (const button of document.querySelectorAll('#latency-tabs button')) {
    button.setAttribute('aria-selected', String(button.dataset.latency === selected));
  }
  renderOverTime(s, selected);
  renderDistribution(s);
  renderThroughput(s);
  renderMix(s);
  renderRows(
    '#lag-rows',
    '#lag-empty',
    s.lag.map((p) => [`${p.topic} · ${p.partition}`, `lag-${p.topic}-${p.partition}`, p.lag]),
  );
  renderGroup(s);
  renderQuality(s.quality);
  renderDrift(s.drift);
  renderExplained(s.explainedDeclines);
}

function renderGroup(s) {
  const { assignment, rebalances, commits } = s.consumerGroup;
  show(
    'assigned-partitions',
    assignment.reduce((sum, a) => sum + a.partitions.length, 0),
    formatCount,
  );
  // In data-value as "topic:0,1,2 other:3" for the test; as text with runs of partitions folded into ranges.
  const readable = assignment.map((a) => `${a.topic} · ${formatPartitions(a.partitions)}`).join('; ');
  show('assignment', assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' '), () => readable || 'none');
  show('rebalances', rebalances, formatCount);
  for (const result of COMMIT_RESULTS) show(`commits-${result}`, commits[result], formatCount);
  renderRows(
    '#degraded-rows',
    undefined,
    Object.entries(s.totals.degradedByReason).map(([reason, n]) => [
      DEGRADED_REASONS[reason] ?? reason,
      `degraded-${reason}`,
      n,
    ]),
  );
  renderRows(
    '#dead-letter-rows',
    '#dead-letters-empty',
    Object.entries(s.totals.deadLettersByStage).map(([stage, n]) => [stage, `dead-letters-${stage}`, n]),
  );
}

function renderMix(s) {
  const total = ACTIONS.reduce((sum, a) => sum + s.totals.decisions[a.key], 0);
  const bar = $('#mix-bar');
  bar.replaceChildren(
    ...ACTIONS.map((a) => {
      const part = document.createElement('span');
      part.style.setProperty('--swatch', a.color);
      part.style.flexGrow = String(s.totals.decisions[a.key]);
      return part;
    }),
  );
  const items = ACTIONS.map((a) => {
    const li = document.createElement('li');
    li.style.setProperty('--swatch', a.color);
    const name = document.createElement('span');
    name.textContent = a.key;
    const count = document.createElement('strong');
    count.dataset.testid = `decisions-${a.key}`;
    count.dataset.value = String(s.totals.decisions[a.key]);
    count.textContent = formatCount(s.totals.decisions[a.key]);
    const share = document.createElement('span');
    share.className = 'muted';
    share.textContent = total > 0 ? formatPercent(s.totals.decisions[a.key] / total) : '–';
    li.append(name, count, share);
    return li;
  });
  $('#mix-legend').replaceChildren(...items);
  renderMixChart(s);
}

function renderRows(tbodySelector, emptySelector, rows) {
  const tbody = $(tbodySelector);
  tbody.replaceChildren(
    ...rows.map(([label, testId, value]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = label;
      const td = document.createElement('td');
      td.dataset.testid = testId;
      td.dataset.value = String(value);
      td.textContent = formatCount(value);
      tr.append(th, td);
      return tr;
    }),
  );
  if (emptySelector) $(emptySelector).hidden = rows.length > 0;
}

function setConnection(state, text) {
  const element = byTestId('connection');
  element.dataset.state = state;
  element.textContent = text;
}

function poll() {
  const tick = async () => {
    try {
      const response = await fetch('api/latency?encoded=false', { cache: 'no-store' });
      render(await response.json());
      setConnection('live', 'live (polling)');
    } catch {
      setConnection('down', 'disconnected');
    }
  };
  void tick();
  setInterval(tick, 2000);
}

function connect() {
  if (typeof EventSource === 'undefined') return poll();
  const source = new EventSource('api/stream');
  source.onmessage = (event) => {
    render(JSON.parse(event.data));
    setConnection('live', 'live');
  };
  source.onerror = () => setConnection('down', 'reconnecting…');
}

setUp();
connect();
