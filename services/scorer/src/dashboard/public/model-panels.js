// The model panels: live quality per model, feature drift against the training rows, and the explained declines.
import { formatCount } from './format.js';

const $ = (selector) => document.querySelector(selector);
const byTestId = (id) => document.querySelector(`[data-testid="${CSS.escape(id)}"]`);

function cell(tag, text, testId, value) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (testId) element.dataset.testid = testId;
  if (value !== undefined) element.dataset.value = String(value);
  return element;
}

function formatShare(x) {
  return `${(100 * x).toFixed(1)}%`;
}

const QUALITY_FIGURES = [
  ['rows', 'Decisions', formatCount],
  ['frauds', 'Reported fraud', formatCount],
  ['declineRecall', 'DECLINE recall', formatShare],
  ['declinePrecision', 'DECLINE precision', formatShare],
  ['flaggedRecall', 'DECLINE+REVIEW recall', formatShare],
  ['flaggedPrecision', 'DECLINE+REVIEW precision', formatShare],
  ['falsePositiveRate', 'False-positive rate', formatShare],
  ['averagePrecision', 'Average precision', formatShare],
  ['cardPrecisionAtK', 'Card precision@100 / day', formatShare],
  ['labelledShare', 'Window labelled', formatShare],
];

/** Champion and challenger side by side: a column per model, a row per figure; cells quality-<role>-<figure>. */
export function renderQuality(q) {
  const note = byTestId('quality-window');
  if (!q || !q.window) {
    note.textContent = 'No decisions yet.';
    $('#quality-head').replaceChildren();
    $('#quality-rows').replaceChildren();
    return;
  }
  const days = (ms) => `${+(ms / 86_400_000).toFixed(2)} days`;
  note.textContent =
    `Event time ${new Date(q.window.start).toISOString().slice(0, 16)} – ${new Date(q.window.end).toISOString().slice(0, 16)} ` +
    `(${days(q.windowMs)}); fraud reports take about ${days(q.labelDelayMs)}, so the newest decisions are not labelled yet.`;
  note.dataset.value = String(q.window.end);
  const head = document.createElement('tr');
  head.append(document.createElement('th'));
  for (const m of q.models) head.append(cell('th', `${m.role} · ${m.version}`));
  $('#quality-head').replaceChildren(head);
  const rows = QUALITY_FIGURES.map(([key, label, format]) => {
    const tr = document.createElement('tr');
    tr.append(cell('th', label));
    for (const m of q.models) {
      const value = m[key];
      tr.append(cell('td', value === null ? '–' : format(value), `quality-${m.role}-${key}`, value ?? ''));
    }
    return tr;
  });
  $('#quality-rows').replaceChildren(...rows);
}

/** The usual reading of PSI: under 0.1 stable, 0.1–0.25 shifting, above drifted. */
function psiBand(psi) {
  return psi < 0.1 ? 'stable' : psi < 0.25 ? 'shifting' : 'drifted';
}

const DRIFT_SHOWN = 8;

/** The features drifting most, with their PSI and band; cells drift-<rank>-feature / drift-<rank>-psi. */
export function renderDrift(d) {
  const note = byTestId('drift-window');
  const rows = $('#drift-rows');
  if (!d || d.modelVersion === null) {
    note.textContent = 'The serving model carries no training histograms (feature_histograms): no drift to show.';
    rows.replaceChildren();
    return;
  }
  note.dataset.value = String(d.rows);
  if (d.features.length === 0) {
    note.textContent = `${formatCount(d.rows)} rows scored so far; PSI shows from a few thousand on.`;
    rows.replaceChildren();
    return;
  }
  const drifted = d.features.filter((f) => f.psi >= 0.25).length;
  note.textContent =
    `The latest ${formatCount(d.rows)} rows scored (of at most ${formatCount(d.windowRows)}) against the ` +
    `${formatCount(d.referenceRows)} training rows of ${d.modelVersion}: ${drifted} of ${d.features.length} features drifted (PSI ≥ 0.25).`;
  rows.replaceChildren(
    ...d.features.slice(0, DRIFT_SHOWN).map((f, i) => {
      const tr = document.createElement('tr');
      tr.append(cell('th', f.name, `drift-${i}-feature`, f.name));
      const psi = cell('td', f.psi.toFixed(3), `drift-${i}-psi`, f.psi);
      psi.className = { stable: '', shifting: 'warn', drifted: 'bad' }[psiBand(f.psi)];
      tr.append(psi, cell('td', psiBand(f.psi)));
      return tr;
    }),
  );
}

function formatContribution(c) {
  // A feature whose input the feed did not send is NaN, which JSON carries as null.
  const value =
    c.value === null || Number.isNaN(c.value)
      ? 'absent'
      : Number.isInteger(c.value)
        ? String(c.value)
        : c.value.toPrecision(4);
  return `${c.feature} = ${value} (${c.contribution >= 0 ? '+' : '−'}${Math.abs(c.contribution).toFixed(2)})`;
}

/** The latest DECLINEs with their top features, and the features most often among them. */
export function renderExplained(e) {
  const note = byTestId('explained-total');
  if (!e || e.total === 0) {
    note.textContent = 'No explained declines yet.';
    $('#explained-rows').replaceChildren();
    $('#driver-rows').replaceChildren();
    return;
  }
  note.textContent = `${formatCount(e.total)} explained declines since start; drivers over the latest ${formatCount(e.held)}.`;
  note.dataset.value = String(e.total);
  $('#explained-rows').replaceChildren(
    ...e.latest.map((d, i) => {
      const tr = document.createElement('tr');
      tr.title = `${d.transactionId} · ${d.modelVersion}`;
      // Event time as date and minute (simulated time is years back: the clock alone would not say which day).
      const when = cell('td', new Date(d.eventTime).toISOString().slice(0, 16).replace('T', ' '));
      when.className = 'when';
      const reasons = cell(
        'td',
        d.contributions.slice(0, 3).map(formatContribution).join(' · '),
        `explained-${i}`,
        d.contributions[0]?.feature ?? '',
      );
      reasons.className = 'reasons';
      tr.append(when, cell('td', d.score.toFixed(3)), reasons);
      return tr;
    }),
  );
  $('#driver-rows').replaceChildren(
    ...e.drivers.slice(0, 6).map((f, i) => {
      const tr = document.createElement('tr');
      tr.append(
        cell('th', f.feature, `driver-${i}`, f.feature),
        cell('td', formatShare(f.share)),
        cell('td', `${f.meanContribution >= 0 ? '+' : '−'}${Math.abs(f.meanContribution).toFixed(2)}`),
      );
      return tr;
    }),
  );
}
