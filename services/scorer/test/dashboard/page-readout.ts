import type { Page } from 'playwright-core';

/** What the dashboard shows at one moment: every `data-testid` element and every chart line. */
export interface PageReadout {
  /** By test id: the raw API value (`data-value`) and the text a person reads. */
  cells: Record<string, { value: string | undefined; text: string }>;
  /** By `<chart test id>/<data-series>`: how many points the line has and its last value. */
  lines: Record<string, { points: number; last: number }>;
  /** Columns drawn in the decision-mix chart. */
  mixColumns: number;
  /** The latency-over-time chart's lines for each tab, by `<latency>/<data-series>`. */
  overTime: Record<string, { points: number; last: number }>;
}

// A string, not a function: tsx compiles functions with helpers (`__name`) that do not exist in the browser. It
// runs in one task, so no server-sent update lands half-way, and it clicks through the latency tabs (each click
// re-renders synchronously) before putting the first tab back.
const READ_PAGE = `(() => {
  const lines = (svg, out, prefix) => {
    for (const path of svg.querySelectorAll('path[data-series]')) {
      out[prefix + path.dataset.series] = { points: Number(path.dataset.points), last: Number(path.dataset.last) };
    }
  };
  const cells = {};
  for (const el of document.querySelectorAll('[data-testid]')) {
    cells[el.dataset.testid] = { value: el.dataset.value, text: el.textContent.trim() };
  }
  const all = {};
  for (const svg of document.querySelectorAll('svg[data-testid]')) lines(svg, all, svg.dataset.testid + '/');
  const overTime = {};
  const tabs = [...document.querySelectorAll('#latency-tabs button')];
  const selected = tabs.find((b) => b.getAttribute('aria-selected') === 'true');
  for (const tab of tabs) {
    tab.click();
    lines(document.querySelector('[data-testid="chart-latency-over-time"]'), overTime, tab.dataset.latency + '/');
  }
  selected?.click();
  const mixColumns = document.querySelectorAll('[data-testid="chart-decision-mix"] g.column').length;
  return { cells, lines: all, mixColumns, overTime };
})()`;

export function readPage(page: Page): Promise<PageReadout> {
  return page.evaluate<PageReadout>(READ_PAGE);
}

/** Reads the page until `accept` returns a value or `timeoutMs` passes; reads about every 100 ms. */
export async function readPageUntil<T>(
  page: Page,
  timeoutMs: number,
  what: string,
  accept: (shown: PageReadout) => T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: PageReadout | undefined;
  while (Date.now() < deadline) {
    last = await readPage(page);
    const result = accept(last);
    if (result !== undefined) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const index = last?.cells['interval-index']?.value;
  throw new Error(`the page did not show ${what} within ${timeoutMs} ms (interval ${index ?? 'none'})`);
}
