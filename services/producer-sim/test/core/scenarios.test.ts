import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Transaction } from '../../../../schemas/src/types.ts';
import { travelSeconds } from '../../src/core/geography.ts';
import { HIGH_RISK_MCCS } from '../../src/core/merchants.ts';
import { BASELINE_SCENARIOS, SCENARIO_IDS } from '../../src/core/scenario-ids.ts';
import type { ScenarioId } from '../../src/core/scenario-ids.ts';
import { FULL, collect, params } from './simulate.ts';

const run = collect(params({ scenarios: FULL, days: 14 }));
const rows = run.transactions;
const IN_PERSON = new Set(['CARD_PRESENT', 'CONTACTLESS', 'ATM']);

function ofScenario(id: ScenarioId): Transaction[] {
  return rows.filter((r) => r.scenario === id).map((r) => r.tx);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function km(a: Transaction, b: Transaction): number {
  // The full feed: every transaction has its position (as its channel, country and MCC).
  return Math.hypot(a.terminalX! - b.terminalX!, a.terminalY! - b.terminalY!);
}

test('the full mix produces every scenario id, and each id only when it is switched on', () => {
  for (const id of SCENARIO_IDS) assert.ok(ofScenario(id).length > 0, `${id} produced nothing in 14 days`);
  const only = collect(params({ scenarios: new Set<ScenarioId>(['card-testing']), days: 3 }));
  assert.deepEqual(Object.keys(only.sim.stats.summary().byScenario), ['card-testing']);
});

test('card testing is bursts of tiny online amounts on at least five cards within an hour, from one device', () => {
  const tests = ofScenario('card-testing').filter((tx) => tx.amountMinor <= 300);
  const bursts = groupBy(tests, (tx) => tx.deviceId ?? 'none');
  assert.ok(bursts.size >= 3);
  for (const [device, burst] of bursts) {
    assert.notEqual(device, 'none');
    assert.ok(new Set(burst.map((tx) => tx.cardId)).size >= 5, 'several cards per burst');
    assert.equal(new Set(burst.map((tx) => tx.terminalId)).size, 1, 'at one shop');
    assert.ok(burst.every((tx) => tx.channel === 'ECOMMERCE'));
    assert.ok(burst.at(-1)!.eventTime - burst[0]!.eventTime <= 3_600_000, 'within an hour');
  }
  const tested = new Set(tests.map((tx) => tx.cardId));
  const cashOuts = ofScenario('card-testing').filter((tx) => tx.amountMinor > 300);
  assert.ok(cashOuts.length > 0);
  for (const tx of cashOuts) assert.ok(tested.has(tx.cardId) && tx.amountMinor >= 8000, 'cash-out of a tested card');
});

test('a cloned card turns up in person sooner than its owner could travel there; honest travellers never do', () => {
  const lastInPerson = new Map<string, { tx: Transaction; fraud: boolean }>();
  let clones = 0;
  let honestLongTrips = 0;
  for (const { tx, scenario } of rows) {
    if (!IN_PERSON.has(tx.channel!) && !(scenario === 'impossible-travel')) continue;
    const previous = lastInPerson.get(tx.cardId);
    lastInPerson.set(tx.cardId, { tx, fraud: scenario !== null });
    if (!previous) continue;
    const distance = km(previous.tx, tx);
    const gapSeconds = (tx.eventTime - previous.tx.eventTime) / 1000;
    if (scenario === 'impossible-travel' && !previous.fraud) {
      clones++;
      assert.ok(gapSeconds < travelSeconds(distance), `${tx.transactionId}: ${distance} km in ${gapSeconds} s`);
      assert.ok(distance > 20, `${tx.transactionId} is only ${distance} km away`);
    } else if (scenario === null && !previous.fraud && distance > 50) {
      honestLongTrips++;
      assert.ok(gapSeconds >= travelSeconds(distance), `honest ${tx.transactionId}: ${distance} km in ${gapSeconds} s`);
    }
  }
  assert.ok(clones > 10, `${clones} clones`);
  assert.ok(honestLongTrips > 10, `${honestLongTrips} honest trips`);
});

test('an account takeover uses a device new to the card: a small probe, then amounts well above the usual', () => {
  const genuineAmounts = groupBy(
    rows.filter((r) => r.scenario === null),
    (r) => r.tx.cardId,
  );
  const firstSeen = new Map<string, number>();
  for (const { tx } of rows) {
    if (tx.deviceId && !firstSeen.has(`${tx.cardId}/${tx.deviceId}`)) {
      firstSeen.set(`${tx.cardId}/${tx.deviceId}`, tx.eventTime);
    }
  }
  const takeovers = groupBy(ofScenario('account-takeover'), (tx) => tx.deviceId ?? 'none');
  assert.ok(takeovers.size >= 5);
  let checkedAmounts = 0;
  for (const [device, txs] of takeovers) {
    const [probe, ...purchases] = txs;
    assert.ok(probe && txs.every((tx) => tx.channel === 'ECOMMERCE' && tx.cardId === probe.cardId));
    assert.equal(firstSeen.get(`${probe.cardId}/${device}`), probe.eventTime, 'the device is new to this card');
    assert.ok(probe.amountMinor <= 2000, 'the probe is small');
    const usual = genuineAmounts.get(probe.cardId)?.map((r) => r.tx.amountMinor) ?? [];
    if (purchases.length === 0 || usual.length < 5) continue;
    const mean = usual.reduce((a, b) => a + b, 0) / usual.length;
    assert.ok(Math.max(...purchases.map((tx) => tx.amountMinor)) > 2 * mean, `${device}: purchases vs ${mean}`);
    checkedAmounts++;
  }
  assert.ok(checkedAmounts >= 3);
});

test('a category shift spends in cash-out categories, mostly far from where the card is usually used', () => {
  const shifted = ofScenario('category-shift');
  const genuineByCard = groupBy(
    rows.filter((r) => r.scenario === null && r.tx.terminalCountry === 'BE' && IN_PERSON.has(r.tx.channel!)),
    (r) => r.tx.cardId,
  );
  let far = 0;
  let measured = 0;
  for (const tx of shifted) {
    assert.ok(HIGH_RISK_MCCS.has(tx.mcc!), `mcc ${tx.mcc}`);
    const usual = genuineByCard.get(tx.cardId);
    if (!usual || usual.length < 3) continue;
    const cx = usual.reduce((s, r) => s + r.tx.terminalX!, 0) / usual.length;
    const cy = usual.reduce((s, r) => s + r.tx.terminalY!, 0) / usual.length;
    measured++;
    if (Math.hypot(tx.terminalX! - cx, tx.terminalY! - cy) > 10) far++;
  }
  assert.ok(measured >= 10 && far / measured > 0.7, `${far} of ${measured} far from home`);
  const days = groupBy(shifted, (tx) => tx.cardId);
  assert.ok(
    [...days.values()].some((txs) => txs.at(-1)!.eventTime - txs[0]!.eventTime > 86_400_000),
    'over days',
  );
});

test('no single field value picks out the fraud: channel, country, category, device presence, new device', () => {
  const fields: Record<string, (tx: Transaction) => string> = {
    channel: (tx) => tx.channel!,
    country: (tx) => tx.terminalCountry!,
    mcc: (tx) => String(tx.mcc),
    device: (tx) => String(tx.deviceId !== null),
  };
  for (const [field, value] of Object.entries(fields)) {
    for (const [v, group] of groupBy(rows, (r) => value(r.tx))) {
      if (group.length < 30) continue;
      const share = group.filter((r) => r.scenario !== null).length / group.length;
      assert.ok(share < 0.5, `${field}=${v}: ${(share * 100).toFixed(1)}% fraud of ${group.length}`);
    }
  }
  const seen = new Set<string>();
  let first = 0;
  let firstFraud = 0;
  for (const { tx, scenario } of rows) {
    if (!tx.deviceId || seen.has(`${tx.cardId}/${tx.deviceId}`)) continue;
    seen.add(`${tx.cardId}/${tx.deviceId}`);
    first++;
    if (scenario) firstFraud++;
  }
  assert.ok(firstFraud > 0 && firstFraud / first < 0.5, `${firstFraud} of ${first} first-seen devices are fraud`);
});

test('switching on scenarios without an honest twin leaves the Handbook stream untouched', () => {
  const key = (tx: Transaction): string => JSON.stringify({ ...tx, transactionId: '' });
  const handbookOnly = collect(params({ days: 4 })).transactions.map((r) => key(r.tx) + r.scenario);
  // Impossible travel and account takeover bring honest travel and new phones, which do change genuine rows.
  const injected = new Set<ScenarioId>([...BASELINE_SCENARIOS, 'card-testing', 'category-shift']);
  const mixed = collect(params({ days: 4, scenarios: injected }))
    .transactions.filter((r) => r.scenario !== 'card-testing' && r.scenario !== 'category-shift')
    .map((r) => key(r.tx) + r.scenario);
  assert.deepEqual(mixed, handbookOnly);
});
