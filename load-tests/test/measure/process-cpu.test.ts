import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuOver, procStatTicks, ticksToUs } from '../../src/measure/process-cpu.ts';

/** A /proc/PID/stat line as Linux writes it, with the given command name, utime and stime (fields 14, 15). */
function statLine(comm: string, utime: number, stime: number): string {
  const fields = ['S', '1', '1', '1', '0', '-1', '4194560', '2046', '0', '3', '0', String(utime), String(stime)];
  return `4242 (${comm}) ${fields.join(' ')} 0 0 20 0 11 0 6116491 1066618880 21077 18446744073709551615\n`;
}

test('utime and stime are read after the command name, whatever spaces or parentheses that holds', () => {
  assert.equal(procStatTicks(statLine('node', 1234, 56)), 1290);
  assert.equal(procStatTicks(statLine('MainThread (x) y', 7, 8)), 15);
  assert.equal(procStatTicks(statLine(') 99 99', 1, 2)), 3);
});

test('text that is not a stat line is refused rather than read as zero', () => {
  assert.throws(() => procStatTicks('4242 node S 1'), /no "\)"/);
  assert.throws(() => procStatTicks('4242 (node) S 1 1'), /not tick counts/);
  assert.throws(() => procStatTicks(statLine('node', -1, 0)), /not tick counts/);
});

test('ticks become microseconds at the clock rate', () => {
  assert.equal(ticksToUs(250, 100), 2_500_000);
  assert.equal(ticksToUs(3, 1000), 3_000);
});

test('a CPU window runs from the last sample at or before its start to the first at or after its end', () => {
  const samples = [0, 50, 100, 150, 200, 250].map((atMs, i) => ({ atMs, cpuUs: i * i * 1000 }));
  assert.deepEqual(cpuOver(samples, 60, 190), { cpuUs: 16_000 - 1_000, fromMs: 50, toMs: 200 });
  assert.deepEqual(cpuOver(samples, 50, 200), { cpuUs: 16_000 - 1_000, fromMs: 50, toMs: 200 });
  assert.deepEqual(cpuOver(samples, 120, 120), { cpuUs: 9_000 - 4_000, fromMs: 100, toMs: 150 });
});

test('a window the samples do not reach on both sides has no CPU figure', () => {
  const samples = [
    { atMs: 100, cpuUs: 0 },
    { atMs: 150, cpuUs: 10 },
  ];
  assert.equal(cpuOver(samples, 90, 140), undefined, 'sampling started after the window did');
  assert.equal(cpuOver(samples, 110, 160), undefined, 'sampling stopped before the window ended');
  assert.equal(cpuOver(samples, 140, 110), undefined, 'an end before the start');
  assert.equal(cpuOver([], 0, 1), undefined);
});
