import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Simulation } from '../../src/core/simulation.ts';
import { params } from './simulate.ts';

// The Handbook's published run: 5,000 customers, 10,000 terminals, 183 days from 2018-04-01 give
// 1,754,155 transactions (9,585 a day) of which 14,681 (0.837%) are fraud.
test('the baseline generator reproduces the Handbook dataset within tolerance over its 183 days', () => {
  const sim = new Simulation(params({ days: 183 }));
  while (sim.next());
  const s = sim.stats.summary();
  assert.equal(s.days, 183);
  assert.ok(s.transactionsPerDay > 9_400 && s.transactionsPerDay < 9_900, `${s.transactionsPerDay} a day`);
  assert.ok(s.fraudRate > 0.0075 && s.fraudRate < 0.0095, `fraud rate ${s.fraudRate}`);
  const share = (id: string): number => (s.byScenario[id] ?? 0) / s.fraud;
  // Compromised terminals dominate, then compromised cards, then the 220 EUR rule (its fixed rate).
  assert.ok(share('compromised-terminal') > 0.5, `terminal share ${share('compromised-terminal')}`);
  assert.ok(share('compromised-card') > 0.2 && share('compromised-card') < 0.45, `card ${share('compromised-card')}`);
  assert.ok(share('amount-over-220') > 0.03 && share('amount-over-220') < 0.12, `amount ${share('amount-over-220')}`);
});
