import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import { SECONDS_PER_DAY, DayRows } from './day-rows.ts';
import { Decorator } from './decoration.ts';
import { HandbookFrauds } from './handbook-frauds.ts';
import { HandbookSpending } from './handbook.ts';
import { HIGH_RISK_MCCS } from './merchants.ts';
import { Rng } from './random.ts';
import { RecordFactory } from './records.ts';
import type { FeedContext } from './records.ts';
import { scenarioIdOf } from './scenario-ids.ts';
import type { ScenarioId } from './scenario-ids.ts';
import { createScenarioSteps } from './scenarios/registry.ts';
import type { DayStep } from './scenarios/day-step.ts';
import { SimStats } from './stats.ts';
import { Tokens } from './tokens.ts';
import { World } from './world.ts';

export interface SimulationParams {
  readonly seed: number;
  readonly customers: number;
  readonly terminals: number;
  /** Side of the home square, km; the Handbook's 100 at 10,000 terminals, growing to keep terminal density. */
  readonly planeKm: number;
  readonly radiusKm: number;
  /** Epoch ms of midnight (UTC) of the first simulated day. */
  readonly startMs: number;
  /** Simulated days to generate; Infinity for an endless stream. */
  readonly days: number;
  readonly scenarios: ReadonlySet<ScenarioId>;
  /** Simulated time between a fraudulent transaction and its report. */
  readonly labelDelayMs: number;
  /** Prefix of transaction ids, so two runs into one topic never share an id. */
  readonly runId: string;
  /** What the records tell beyond card, terminal, amount and time (default `full`); frauds are the same either way. */
  readonly context?: FeedContext;
}

export type SimEvent =
  | { readonly kind: 'transaction'; readonly tx: Transaction; readonly scenario: ScenarioId | null }
  | { readonly kind: 'label'; readonly label: Label };

const MS_PER_DAY = SECONDS_PER_DAY * 1000;
const FOREIGN_TERMINAL_SHARE = 0.02;
const MIN_FOREIGN_TERMINALS = 500;

// Independent random streams: switching one scenario on or off leaves every other stream's draws unchanged.
const STREAM_SPENDING = 2;
const STREAM_DECORATION = 3;
const STREAM_HANDBOOK_FRAUD = 4;

/** The whole simulated stream as a pull iterator: transactions in event-time order, labels when reported. */
export class Simulation {
  readonly params: SimulationParams;
  readonly world: World;
  readonly stats: SimStats;
  readonly #rows = new DayRows();
  readonly #spending: HandbookSpending;
  readonly #frauds: HandbookFrauds;
  readonly #steps: readonly DayStep[];
  readonly #records: RecordFactory;
  #day = -1;
  #cursor = 0;
  #serial = 0;
  readonly #pending: Label[] = [];
  #pendingHead = 0;

  constructor(params: SimulationParams) {
    this.params = params;
    const needsAbroad = params.scenarios.has('impossible-travel');
    this.world = new World(
      {
        seed: params.seed,
        customers: params.customers,
        terminals: params.terminals,
        planeKm: params.planeKm,
        radiusKm: params.radiusKm,
        foreignTerminals: needsAbroad
          ? Math.max(MIN_FOREIGN_TERMINALS, Math.round(params.terminals * FOREIGN_TERMINAL_SHARE))
          : 0,
      },
      HIGH_RISK_MCCS,
    );
    const tokens = new Tokens(params.seed);
    const decorator = new Decorator(this.world, tokens, new Rng(params.seed, STREAM_DECORATION));
    this.#spending = new HandbookSpending(this.world, new Rng(params.seed, STREAM_SPENDING), decorator);
    this.#frauds = new HandbookFrauds(this.world, new Rng(params.seed, STREAM_HANDBOOK_FRAUD), params.scenarios);
    this.#steps = createScenarioSteps({ world: this.world, tokens, decorator, seed: params.seed }, params.scenarios);
    this.#records = new RecordFactory(this.world, tokens, params.runId, params.context);
    this.stats = new SimStats();
  }

  /** Event time at which the simulated period ends (Infinity for an endless stream). */
  get endMs(): number {
    return this.params.startMs + this.params.days * MS_PER_DAY;
  }

  next(): SimEvent | undefined {
    const rows = this.#rows;
    for (;;) {
      if (this.#cursor < rows.sortedLength) {
        const i = rows.order[this.#cursor]!;
        const eventTime = this.params.startMs + this.#day * MS_PER_DAY + rows.sec[i]! * 1000;
        const label = this.#dueLabel(eventTime);
        if (label) return { kind: 'label', label };
        this.#cursor++;
        return this.#emit(i, eventTime);
      }
      if (this.#day + 1 >= this.params.days) {
        // Reports due after the simulated period have not happened yet: they are never emitted.
        const label = this.#dueLabel(this.endMs);
        return label ? { kind: 'label', label } : undefined;
      }
      this.#startDay(this.#day + 1);
    }
  }

  #emit(i: number, eventTime: number): SimEvent {
    const rows = this.#rows;
    const tx = this.#records.transaction(rows, i, eventTime, this.#serial++);
    const scenario = scenarioIdOf(rows.scenario[i]!);
    this.stats.countTransaction(this.#day, scenario);
    if (scenario) this.#pending.push(this.#records.label(tx, scenario, eventTime + this.params.labelDelayMs));
    return { kind: 'transaction', tx, scenario };
  }

  /** The oldest pending label if it is reported at or before `time`. A fixed delay keeps the queue FIFO. */
  #dueLabel(time: number): Label | undefined {
    const label = this.#pending[this.#pendingHead];
    if (!label || label.reportedAt > time) return undefined;
    this.#pendingHead++;
    if (this.#pendingHead > 4096 && this.#pendingHead * 2 > this.#pending.length) {
      this.#pending.splice(0, this.#pendingHead);
      this.#pendingHead = 0;
    }
    this.stats.countLabel();
    return label;
  }

  #startDay(day: number): void {
    this.#day = day;
    this.#cursor = 0;
    const rows = this.#rows;
    rows.clear();
    this.#spending.generateDay(day, rows);
    for (const step of this.#steps) if (step.phase === 'genuine') step.applyDay(day, rows);
    this.#frauds.applyDay(day, rows);
    for (const step of this.#steps) if (step.phase === 'fraud') step.applyDay(day, rows);
    rows.sort();
  }
}
