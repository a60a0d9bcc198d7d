import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DayRows } from '../../src/core/day-rows.ts';
import { HandbookFrauds } from '../../src/core/handbook-frauds.ts';
import { HIGH_RISK_MCCS } from '../../src/core/merchants.ts';
import { Rng } from '../../src/core/random.ts';
import { scenarioCode } from '../../src/core/scenario-ids.ts';
import type { ScenarioId } from '../../src/core/scenario-ids.ts';
import { World } from '../../src/core/world.ts';

const world = new World(
  { seed: 1, customers: 5000, terminals: 10_000, planeKm: 100, radiusKm: 5, foreignTerminals: 0 },
  HIGH_RISK_MCCS,
);

/** Two rows per terminal and per customer at the given amount. */
function dayOfRows(amountMinor: number): DayRows {
  const rows = new DayRows();
  for (let k = 0; k < 2; k++) {
    for (let t = 0; t < world.homeTerminalCount; t++) rows.push(1000 + k, t % world.customerCount, t, amountMinor);
    for (let c = 0; c < world.customerCount; c++) rows.push(2000 + k, c, c % world.homeTerminalCount, amountMinor);
  }
  return rows;
}

function frauds(enabled: ScenarioId[]): HandbookFrauds {
  return new HandbookFrauds(world, new Rng(5), new Set(enabled));
}

test('an amount above 220 EUR is fraud and 220.00 itself is not', () => {
  const rows = new DayRows();
  rows.push(10, 0, 0, 22_000);
  rows.push(11, 0, 0, 22_001);
  rows.push(12, 0, 0, 150);
  frauds(['amount-over-220']).applyDay(0, rows);
  assert.deepEqual([...rows.scenario.subarray(0, 3)], [0, scenarioCode('amount-over-220'), 0]);
});

test('all transactions at a compromised terminal are fraud for 28 days from the day it is compromised', () => {
  const scenario = frauds(['compromised-terminal']);
  const code = scenarioCode('compromised-terminal');
  const firstDay = dayOfRows(1000);
  scenario.applyDay(0, firstDay);
  const compromised = new Set<number>();
  for (let i = 0; i < firstDay.length; i++) {
    const t = firstDay.terminal[i]!;
    assert.equal(firstDay.scenario[i] === code, scenario.isTerminalCompromised(t, 0));
    if (firstDay.scenario[i] === code) compromised.add(t);
  }
  assert.equal(compromised.size, 2, 'two terminals a day in the Handbook-sized world');

  for (const day of [27, 28]) {
    const rows = dayOfRows(1000);
    scenario.applyDay(day, rows);
    for (let i = 0; i < rows.length; i++) {
      assert.equal(rows.scenario[i] === code, scenario.isTerminalCompromised(rows.terminal[i]!, day));
    }
  }
  for (const t of compromised) {
    assert.ok(scenario.isTerminalCompromised(t, 27), 'still compromised on day 27');
  }
  const expired = [...compromised].filter((t) => !scenario.isTerminalCompromised(t, 28));
  assert.ok(expired.length > 0, 'a day-0 terminal is clean again on day 28 unless picked again');
});

test('a compromised card has about a third of its transactions multiplied by 5 and marked fraud for 14 days', () => {
  const scenario = frauds(['compromised-card']);
  const code = scenarioCode('compromised-card');
  let inWindow = 0;
  let marked = 0;
  for (let day = 0; day < 30; day++) {
    const rows = dayOfRows(1000);
    scenario.applyDay(day, rows);
    for (let i = 0; i < rows.length; i++) {
      const compromised = scenario.isCustomerCompromised(rows.customer[i]!, day);
      if (compromised) inWindow++;
      if (rows.scenario[i] === code) {
        assert.ok(compromised, 'only compromised cards');
        assert.equal(rows.amountMinor[i], 5000, 'the amount is multiplied by 5');
        marked++;
      } else {
        assert.equal(rows.amountMinor[i], 1000);
      }
    }
  }
  assert.ok(Math.abs(marked / inWindow - 1 / 3) < 0.05, `share ${marked / inWindow} of ${inWindow}`);
});

test('later scenarios override earlier labels, as in the Handbook', () => {
  const scenario = frauds(['amount-over-220', 'compromised-terminal']);
  const rows = dayOfRows(30_000);
  scenario.applyDay(0, rows);
  const codes = new Set(rows.scenario.subarray(0, rows.length));
  assert.deepEqual([...codes].sort(), [scenarioCode('amount-over-220'), scenarioCode('compromised-terminal')].sort());
});
