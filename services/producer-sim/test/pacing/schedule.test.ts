import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.ts';
import { pacedEvents } from '../../src/pacing/paced-events.ts';
import { constantRate, poissonRate, simulatedClock } from '../../src/pacing/schedule.ts';
import { Simulation } from '../../src/core/simulation.ts';
import { DAY_MS, params } from '../core/simulate.ts';

test('a constant rate spaces sends evenly and Poisson arrivals average the same rate', () => {
  const constant = constantRate(2000);
  assert.deepEqual(
    [0, 1, 2].map(() => constant.next(0)),
    [0, 0.5, 1],
  );
  const poisson = poissonRate(2000, new Rng(1));
  let last = 0;
  for (let i = 0; i < 20_000; i++) last = poisson.next(0);
  assert.ok(Math.abs(last - 10_000) < 300, `20,000 arrivals took ${last} ms`);
});

test('a simulated clock maps event time onto wall time at the asked speed', () => {
  const clock = simulatedClock(1440); // a simulated day per wall minute
  assert.equal(clock.next(Date.UTC(2018, 3, 1, 10)), 0);
  assert.equal(clock.next(Date.UTC(2018, 3, 2, 10)), 60_000);
});

test('labels ride with the transaction before them, and the run stops after the counted transactions', () => {
  const sim = new Simulation(params({ days: 10, labelDelayMs: 0.25 * DAY_MS }));
  const next = pacedEvents(sim, constantRate(1000), 30_000);
  let transactions = 0;
  let labels = 0;
  let lastTxAt = -1;
  for (let e = next(); e; e = next()) {
    if (e.item.kind === 'transaction') {
      assert.equal(e.at, transactions++);
      lastTxAt = e.at;
    } else {
      labels++;
      assert.equal(e.at, lastTxAt);
    }
  }
  assert.equal(transactions, 30_000);
  assert.ok(labels > 0);
});
