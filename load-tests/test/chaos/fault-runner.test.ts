import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultStep } from '../../src/chaos/fault-plan.ts';
import { runFaults, type FaultSlot } from '../../src/chaos/fault-runner.ts';
import type { BrokerControl } from '../../src/chaos/own-broker.ts';
import { StartGate } from '../../src/chaos/start-gate.ts';

/** A slot whose kill and restart take the given times, writing what happens to `events`. */
class FakeSlot implements FaultSlot {
  live = true;
  readonly pid = 100;
  constructor(
    readonly name: string,
    readonly events: string[],
    readonly gate: StartGate,
    readonly startMs = 5,
  ) {}

  async kill(restartAfterMs: number): Promise<number> {
    assert.ok(this.live, `${this.name} was killed while not live`);
    this.live = false;
    this.events.push(`kill ${this.name}`);
    await sleep(restartAfterMs);
    await this.gate.run(() => sleep(this.startMs));
    this.live = true;
    return restartAfterMs + this.startMs;
  }

  async freeze(forMs: number): Promise<number> {
    assert.ok(this.live, `${this.name} was frozen while not live`);
    this.live = false;
    this.events.push(`freeze ${this.name}`);
    await sleep(forMs);
    this.events.push(`thaw ${this.name}`);
    this.live = true;
    return forMs;
  }

  async restart(): Promise<number> {
    this.live = false;
    this.events.push(`restart ${this.name}`);
    await this.gate.run(() => sleep(this.startMs));
    this.events.push(`ready ${this.name}`);
    this.live = true;
    return this.startMs;
  }
}

function fakeBroker(events: string[], gate: StartGate, failStart = false): BrokerControl {
  return {
    address: '127.0.0.1:1',
    kill: () => {
      assert.equal(gate.open, false, 'the gate is closed before the broker dies');
      events.push('broker kill');
      return Promise.resolve();
    },
    start: async () => {
      assert.equal(gate.open, false, 'no scorer starts while the broker is down');
      events.push('broker start');
      await sleep(5);
      if (failStart) throw new Error('the broker did not come back');
    },
  };
}

const kill = (atMs: number, pick: number, restartAfterMs = 5): FaultStep => ({
  kind: 'kill',
  atMs,
  pick,
  restartAfterMs,
});

test('every kill of the plan is carried out, on a live instance, and each is back before the run ends', async () => {
  const events: string[] = [];
  const gate = new StartGate();
  const slots = ['s1', 's2', 's3'].map((n) => new FakeSlot(n, events, gate));
  const counts = await runFaults([kill(0, 0), kill(1, 0.99), kill(2, 0.5), kill(40, 0.1)], {
    slots,
    gate,
    broker: undefined,
    startedAt: Date.now(),
    log: () => {},
  });
  assert.equal(counts.kills, 4);
  // s1 (first of three), s3 (last of two live: s2, s3), s2 (the only live one), then s1 again.
  assert.deepEqual(events, ['kill s1', 'kill s3', 'kill s2', 'kill s1']);
  assert.ok(slots.every((s) => s.live));
  assert.ok(counts.slowestRecoveryMs >= 10);
  assert.equal(counts.log.filter((r) => r.what.startsWith('SIGKILL')).length, 4);
});

test('a kill due while no instance is live waits for one, and the kills after it keep their spacing', async () => {
  const events: string[] = [];
  const gate = new StartGate();
  const slots = [new FakeSlot('s1', events, gate), new FakeSlot('s2', events, gate, 200)];
  const counts = await runFaults([kill(0, 0, 100), kill(1, 0, 100), kill(2, 0, 1), kill(60, 0, 1)], {
    slots,
    gate,
    broker: undefined,
    startedAt: Date.now(),
    log: () => {},
  });
  assert.equal(counts.kills, 4);
  const at = counts.log.filter((r) => r.what.startsWith('SIGKILL')).map((r) => r.atMs);
  // s1 is back after 105 ms, s2 after 300 ms: the third kill waits for s1, the fourth keeps its 58 ms gap.
  assert.ok(at[2]! >= 100, `the third kill at ${at[2]} ms waited for a restart`);
  assert.ok(at[3]! - at[2]! >= 55, `the fourth kill came ${at[3]! - at[2]!} ms after the third`);
});

test('a broker restart holds scorer starts from its kill until it answers, and lasts its down time', async () => {
  const events: string[] = [];
  const gate = new StartGate();
  const slots = [new FakeSlot('s1', events, gate)];
  const counts = await runFaults([{ kind: 'broker', atMs: 0, downMs: 40 }, kill(10, 0, 1)], {
    slots,
    gate,
    broker: fakeBroker(events, gate),
    startedAt: Date.now(),
    log: () => {},
  });
  assert.equal(counts.brokerRestarts, 1);
  assert.equal(counts.kills, 1);
  // The kill lands during the outage; its restart waits for the broker.
  assert.deepEqual(events, ['broker kill', 'kill s1', 'broker start']);
  const up = counts.log.find((r) => r.what.startsWith('broker answering'))!;
  assert.ok(up.atMs >= 40);
  const back = counts.log.find((r) => r.what.startsWith('s1 ready again'))!;
  assert.ok(back.atMs >= up.atMs, 's1 started only once the broker answered');
  assert.equal(gate.open, true);
});

test('a rolling restart restarts every instance in turn, each ready before the next', async () => {
  const events: string[] = [];
  const gate = new StartGate();
  const slots = ['s1', 's2', 's3'].map((n) => new FakeSlot(n, events, gate));
  const counts = await runFaults([{ kind: 'rolling', atMs: 0 }], {
    slots,
    gate,
    broker: undefined,
    startedAt: Date.now(),
    log: () => {},
  });
  assert.equal(counts.rollingRestarts, 1);
  assert.deepEqual(events, ['restart s1', 'ready s1', 'restart s2', 'ready s2', 'restart s3', 'ready s3']);
});

test('a freeze stops a live instance for its time, and the restarts after it wait for it to be ready again', async () => {
  const events: string[] = [];
  const gate = new StartGate();
  const slots = ['s1', 's2'].map((n) => new FakeSlot(n, events, gate));
  const counts = await runFaults(
    [
      { kind: 'freeze', atMs: 0, pick: 0.9, forMs: 30 },
      { kind: 'rolling', atMs: 1 },
    ],
    { slots, gate, broker: undefined, startedAt: Date.now(), log: () => {} },
  );
  assert.equal(counts.freezes, 1);
  assert.deepEqual(events.slice(0, 3), ['freeze s2', 'thaw s2', 'restart s1']);
  const back = counts.log.find((r) => r.what.startsWith('s2 SIGCONT'))!;
  assert.ok(back.atMs >= 30);
});

test('a broker restart without a broker to kill is refused before any fault', async () => {
  const gate = new StartGate();
  const events: string[] = [];
  await assert.rejects(
    runFaults([kill(0, 0), { kind: 'broker', atMs: 0, downMs: 1 }], {
      slots: [new FakeSlot('s1', events, gate)],
      gate,
      broker: undefined,
      startedAt: Date.now(),
      log: () => {},
    }),
    /no broker to kill/,
  );
  assert.deepEqual(events, []);
});

test('a broker that does not come back fails the run, and the kills planned after it are not carried out', async () => {
  const events: string[] = [];
  const gate = new StartGate();
  await assert.rejects(
    runFaults([{ kind: 'broker', atMs: 0, downMs: 1 }, kill(60, 0)], {
      slots: [new FakeSlot('s1', events, gate)],
      gate,
      broker: fakeBroker(events, gate, true),
      startedAt: Date.now(),
      log: () => {},
    }),
    /did not come back/,
  );
  await sleep(80);
  assert.deepEqual(events, ['broker kill', 'broker start']);
});
