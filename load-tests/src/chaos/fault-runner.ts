import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError, errorMessage } from '../errors.ts';
import type { FaultStep } from './fault-plan.ts';
import type { BrokerControl } from './own-broker.ts';
import type { ScorerSlot } from './scorer-slot.ts';

/** What the runner asks of a scorer slot (`ScorerSlot` has it). */
export type FaultSlot = Pick<ScorerSlot, 'name' | 'live' | 'pid' | 'kill' | 'restart' | 'freeze'>;
import type { StartGate } from './start-gate.ts';

/** One fault as it happened, `atMs` after the stream began. */
export interface FaultRecord {
  readonly atMs: number;
  readonly what: string;
}

export interface FaultCounts {
  readonly kills: number;
  readonly brokerRestarts: number;
  readonly rollingRestarts: number;
  /** SIGSTOP + SIGCONT of an instance. */
  readonly freezes: number;
  /** Longest time from a SIGKILL to its instance's successor being ready again. */
  readonly slowestRecoveryMs: number;
  /** When each SIGKILL of an instance came, after the stream began. */
  readonly killsAtMs: readonly number[];
  readonly log: readonly FaultRecord[];
}

export interface FaultRunnerDeps {
  readonly slots: readonly FaultSlot[];
  readonly gate: StartGate;
  /** Needed when the plan restarts the broker. */
  readonly broker: BrokerControl | undefined;
  /** Epoch ms the plan's times count from (the stream's start). */
  readonly startedAt: number;
  readonly log: (line: string) => void;
}

/**
 * Carries out a fault plan. Kills fire at their moments on a victim drawn among the instances live then (if none
 * is, the kill waits for one, and the kills after it move by as much); each killed instance restarts after its delay without holding up the next kill.
 * Broker and rolling restarts run one after the other: a broker kill waits for scorer starts under way and holds
 * new ones until it answers again; a rolling restart SIGTERMs each instance in turn and waits for the new process
 * to be ready before the next. Resolves when every fault, restarts included, is over.
 */
export async function runFaults(plan: readonly FaultStep[], deps: FaultRunnerDeps): Promise<FaultCounts> {
  const { slots, gate, broker, startedAt } = deps;
  const log: FaultRecord[] = [];
  const record = (what: string) => {
    const atMs = Date.now() - startedAt;
    log.push({ atMs, what });
    deps.log(`+${(atMs / 1000).toFixed(1)} s ${what}`);
  };
  const counts = { kills: 0, brokerRestarts: 0, rollingRestarts: 0, freezes: 0, slowestRecoveryMs: 0 };
  const killsAtMs: number[] = [];
  const untilDue = (step: FaultStep, lateByMs = 0) => sleep(Math.max(0, startedAt + step.atMs + lateByMs - Date.now()));
  if (plan.some((s) => s.kind === 'broker') && broker === undefined) {
    throw new BenchError('FAULT_FAILED', 'the plan restarts the broker, but the run was given no broker to kill');
  }

  const recoveries: Promise<void>[] = [];
  // When one loop fails the other stops at its next step, so a failed run does not go on killing.
  let failed = false;
  const guard = (loop: Promise<void>) =>
    loop.catch((error: unknown) => {
      failed = true;
      throw error;
    });
  /** The instance `pick` chooses among those live, once one is (undefined when the run fails meanwhile). */
  const liveVictim = async (pick: number): Promise<FaultSlot | undefined> => {
    let live = slots.filter((s) => s.live);
    while (live.length === 0 && !failed) {
      await sleep(100);
      live = slots.filter((s) => s.live);
    }
    return failed ? undefined : live[Math.min(live.length - 1, Math.floor(pick * live.length))];
  };
  const kills = guard(
    (async () => {
      // A kill that had to wait for a live instance moves the later ones by as much: they keep their spacing
      // instead of firing all at once when instances come back.
      let lateByMs = 0;
      for (const step of plan) {
        if (step.kind !== 'kill' || failed) continue;
        await untilDue(step, lateByMs);
        const victim = await liveVictim(step.pick);
        if (victim === undefined) break;
        lateByMs = Math.max(lateByMs, Date.now() - startedAt - step.atMs);
        record(`SIGKILL ${victim.name} (pid ${victim.pid}); restart in ${(step.restartAfterMs / 1000).toFixed(1)} s`);
        counts.kills++;
        killsAtMs.push(Date.now() - startedAt);
        recoveries.push(
          victim.kill(step.restartAfterMs).then(
            (ms) => {
              counts.slowestRecoveryMs = Math.max(counts.slowestRecoveryMs, ms);
              record(`${victim.name} ready again, ${(ms / 1000).toFixed(1)} s after its SIGKILL`);
            },
            (error: unknown) => record(`${victim.name} did not come back: ${errorMessage(error)}`),
          ),
        );
      }
    })(),
  );

  const restarts = guard(
    (async () => {
      for (const step of plan) {
        if (step.kind === 'kill' || failed) continue;
        await untilDue(step);
        if (step.kind === 'broker') {
          await gate.close();
          record('SIGKILL the broker');
          await broker!.kill();
          counts.brokerRestarts++;
          await sleep(step.downMs);
          record('broker starting');
          const began = Date.now();
          try {
            await broker!.start();
          } finally {
            gate.reopen();
          }
          record(`broker answering again (${((Date.now() - began) / 1000).toFixed(1)} s to start)`);
        } else if (step.kind === 'freeze') {
          const victim = await liveVictim(step.pick);
          if (victim === undefined) break;
          record(`SIGSTOP ${victim.name} (pid ${victim.pid}) for ${(step.forMs / 1000).toFixed(1)} s`);
          counts.freezes++;
          try {
            const ms = await victim.freeze(step.forMs);
            record(`${victim.name} SIGCONT → ready again ${(ms / 1000).toFixed(1)} s after its SIGSTOP`);
          } catch (error) {
            record(`${victim.name} not ready again after its SIGCONT: ${errorMessage(error)}`);
          }
        } else {
          record('rolling restart begins');
          const began = Date.now();
          for (const slot of slots) {
            const ms = await slot.restart();
            record(`rolling: ${slot.name} SIGTERM → ready in ${(ms / 1000).toFixed(1)} s`);
          }
          counts.rollingRestarts++;
          record(`rolling restart done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
        }
      }
    })(),
  );

  await Promise.all([kills, restarts]);
  await Promise.all(recoveries);
  return { ...counts, killsAtMs, log };
}
