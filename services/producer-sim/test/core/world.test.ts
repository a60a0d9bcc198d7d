import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FOREIGN_CITIES } from '../../src/core/geography.ts';
import { HIGH_RISK_MCCS, TerminalKind } from '../../src/core/merchants.ts';
import { Rng } from '../../src/core/random.ts';
import { World } from '../../src/core/world.ts';

test('a world of a million customers and a million terminals takes under 80 MB and serves nearby terminals', () => {
  const world = new World(
    { seed: 3, customers: 1_000_000, terminals: 1_000_000, planeKm: 1000, radiusKm: 5, foreignTerminals: 20_000 },
    HIGH_RISK_MCCS,
  );
  assert.ok(world.byteLength < 80e6, `${(world.byteLength / 1e6).toFixed(1)} MB`);
  const rng = new Rng(4);
  let served = 0;
  for (let k = 0; k < 10_000; k++) {
    const c = rng.int(world.customerCount);
    const t = world.nearbyTerminal(c, rng);
    if (t < 0) {
      assert.equal(world.customerActive[c], 0);
      continue;
    }
    served++;
    assert.ok(world.distanceKm(t, world.customerX[c]!, world.customerY[c]!) < 5);
  }
  assert.ok(served > 9_900, `${served} of 10,000 customers have a terminal in reach`);
});

test('foreign terminals sit in their cities, far from the home square, and are never online shops', () => {
  const world = new World(
    { seed: 5, customers: 100, terminals: 10_000, planeKm: 100, radiusKm: 5, foreignTerminals: 1000 },
    HIGH_RISK_MCCS,
  );
  assert.equal(world.terminalCount, 11_000);
  FOREIGN_CITIES.forEach((city, i) => {
    const from = world.cityStart[i]!;
    const to = world.cityStart[i + 1]!;
    assert.ok(to > from, `${city.country} has terminals`);
    for (let t = from; t < to; t++) {
      assert.equal(world.countryCodes[world.terminalCountry[t]!], city.country);
      assert.notEqual(world.terminalKind[t], TerminalKind.ECOM);
      const fromHome = Math.hypot(world.terminalX[t]! - 50, world.terminalY[t]! - 50);
      assert.ok(fromHome > 100, `${city.country} terminal ${fromHome} km from home`);
    }
  });
});
