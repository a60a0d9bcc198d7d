// Small SVG line and column charts: no library, so the page works offline and under a strict CSP.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { left: 64, right: 32, top: 12, bottom: 30 };

function node(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A scale maps a value to a pixel; `log` scales need positive values and clamp anything smaller to `min`. */
export function scale(kind, min, max, from, to) {
  const f = kind === 'log' ? (v) => Math.log10(Math.max(v, min)) : (v) => v;
  const a = f(min);
  const b = f(max);
  const span = b - a || 1;
  return (value) => from + ((f(value) - a) / span) * (to - from);
}

/** Decade ticks (1, 10, 100 …), with 2 and 5 in between when the range is narrow. */
export function logTicks(min, max) {
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  const steps = high - low <= 2 ? [1, 2, 5] : [1];
  const ticks = [];
  for (let d = low; d <= high; d++) {
    for (const step of steps) {
      const value = step * 10 ** d;
      if (value >= min * 0.999 && value <= max * 1.001) ticks.push(value);
    }
  }
  return ticks;
}

export function linearTicks(max, count = 4) {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  // Up to the first tick at or above `max`, so the last tick can serve as the top of the axis.
  const ticks = [0];
  while (ticks.at(-1) < max * (1 - 1e-9)) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Rounds a log range out to whole decades so the curves do not hug the frame. */
export function logRange(values, floor = 1) {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return { min: floor, max: floor * 1000 };
  const min = Math.max(floor, 10 ** Math.floor(Math.log10(Math.min(...positive))));
  const max = 10 ** Math.ceil(Math.log10(Math.max(...positive) * 1.0001));
  return { min, max: max > min ? max : min * 10 };
}

/**
 * Draws `series` ({ key, label, color, dashed, points: [{ x, y, title }] }) into `svg`, replacing what was there.
 * `x` and `y` are { kind: 'linear' | 'log', min, max, ticks: [{ value, label }] }.
 */
export function drawLineChart(svg, { x, y, series, emptyText }) {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const sx = scale(x.kind, x.min, x.max, MARGIN.left, WIDTH - MARGIN.right);
  const sy = scale(y.kind, y.min, y.max, HEIGHT - MARGIN.bottom, MARGIN.top);
  drawAxes(svg, x, y, sx, sy);
  const drawn = series.filter((s) => s.points.length > 0);
  if (drawn.length === 0) {
    svg.append(node('text', { x: WIDTH / 2, y: HEIGHT / 2, class: 'empty', 'text-anchor': 'middle' }, emptyText));
    return;
  }
  for (const s of drawn) {
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join('');
    const last = s.points.at(-1);
    svg.append(
      node('path', {
        d,
        class: `line${s.dashed ? ' dashed' : ''}`,
        stroke: s.color,
        'data-series': s.key,
        'data-points': s.points.length,
        'data-last': last.y,
      }),
    );
    const dots = node('g', { class: 'dots', fill: s.color });
    for (const p of s.points) {
      const dot = node('circle', { cx: sx(p.x).toFixed(1), cy: sy(p.y).toFixed(1), r: 3 });
      dot.append(node('title', {}, p.title ?? `${s.label}: ${p.y}`));
      dots.append(dot);
    }
    svg.append(dots);
  }
}

function drawAxes(svg, x, y, sx, sy) {
  const grid = node('g', { class: 'grid' });
  for (const tick of y.ticks) {
    const py = sy(tick.value).toFixed(1);
    grid.append(node('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: py, y2: py }));
    grid.append(node('text', { x: MARGIN.left - 8, y: py, 'text-anchor': 'end', dy: '0.32em' }, tick.label));
  }
  for (const tick of x.ticks) {
    const px = sx(tick.value).toFixed(1);
    grid.append(node('line', { x1: px, x2: px, y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, class: 'vertical' }));
    grid.append(node('text', { x: px, y: HEIGHT - MARGIN.bottom + 18, 'text-anchor': 'middle' }, tick.label));
  }
  svg.append(grid);
  svg.append(
    node('rect', {
      x: MARGIN.left,
      y: MARGIN.top,
      width: WIDTH - MARGIN.left - MARGIN.right,
      height: HEIGHT - MARGIN.top - MARGIN.bottom,
      class: 'frame',
    }),
  );
}

/**
 * Stacked columns, one per entry of `columns` ({ x, title, parts: { key: value } }), each scaled to 100% so the
 * mix stays readable whatever the volume; `keys` ({ key, color }) sets the stacking order.
 */
export function drawStackedShares(svg, { columns, keys, xLabels, emptyText }) {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const y = {
    kind: 'linear',
    min: 0,
    max: 1,
    ticks: [0, 0.25, 0.5, 0.75, 1].map((v) => ({ value: v, label: `${v * 100}%` })),
  };
  const x = { kind: 'linear', min: 0, max: 1, ticks: [] };
  const sy = scale('linear', 0, 1, HEIGHT - MARGIN.bottom, MARGIN.top);
  drawAxes(svg, x, y, (v) => v, sy);
  const filled = columns.filter((c) => keys.some(({ key }) => c.parts[key] > 0));
  if (filled.length === 0) {
    svg.append(node('text', { x: WIDTH / 2, y: HEIGHT / 2, class: 'empty', 'text-anchor': 'middle' }, emptyText));
    return;
  }
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const slot = plotWidth / Math.max(columns.length, 12);
  columns.forEach((column, i) => {
    const total = keys.reduce((sum, { key }) => sum + (column.parts[key] ?? 0), 0);
    if (total === 0) return;
    const left = MARGIN.left + plotWidth - (columns.length - i) * slot;
    let acc = 0;
    const group = node('g', { class: 'column' });
    group.append(node('title', {}, column.title));
    for (const { key, color } of keys) {
      const share = (column.parts[key] ?? 0) / total;
      if (share === 0) continue;
      const top = sy(acc + share);
      group.append(
        node('rect', { x: left + 1, y: top, width: Math.max(slot - 2, 1), height: sy(acc) - top, fill: color }),
      );
      acc += share;
    }
    svg.append(group);
  });
  for (const label of xLabels ?? []) {
    const px = MARGIN.left + plotWidth - (columns.length - label.index - 0.5) * slot;
    svg.append(
      node('text', { x: px, y: HEIGHT - MARGIN.bottom + 18, class: 'axis-label', 'text-anchor': 'middle' }, label.text),
    );
  }
}
