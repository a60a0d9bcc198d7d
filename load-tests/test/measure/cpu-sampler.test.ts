import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockTicksPerSecond, CpuSampler } from '../../src/measure/cpu-sampler.ts';

test('each sample is the stat file read at that moment, in µs; a process gone ends the sampling', (t) => {
  let now = 1_000;
  const ticks = [10, 12, 20];
  const sampler = new CpuSampler(77, {
    intervalMs: 60_000,
    ticksPerSecond: 100,
    now: () => now,
    readStat: (pid) => {
      assert.equal(pid, 77);
      const next = ticks.shift();
      if (next === undefined) throw new Error('ENOENT');
      return `77 (node) S 1 1 1 0 -1 0 0 0 0 0 ${next} 0 0 0`;
    },
  });
  t.after(() => sampler.stop());
  sampler.start();
  now = 1_050;
  sampler.sample();
  now = 1_100;
  sampler.sample();
  now = 1_150;
  sampler.sample();
  sampler.sample();
  assert.deepEqual(sampler.stop(), [
    { atMs: 1_000, cpuUs: 100_000 },
    { atMs: 1_050, cpuUs: 120_000 },
    { atMs: 1_100, cpuUs: 200_000 },
  ]);
});

test('this process can be sampled through /proc at the kernel clock rate', async (t) => {
  const sampler = new CpuSampler(process.pid, { intervalMs: 5, ticksPerSecond: clockTicksPerSecond() }).start();
  t.after(() => sampler.stop());
  const until = Date.now() + 60;
  while (Date.now() < until); // busy, so the CPU time grows
  await new Promise((resolve) => setTimeout(resolve, 20));
  const samples = sampler.stop();
  assert.ok(samples.length >= 2, `${samples.length} samples`);
  assert.ok(samples.at(-1)!.cpuUs > samples[0]!.cpuUs, 'the busy loop shows as CPU time');
});
