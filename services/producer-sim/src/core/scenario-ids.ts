/** Scenario ids as they appear in labels and ground truth; the code stored per row is the index + 1. */
export const SCENARIO_IDS = [
  'amount-over-220',
  'compromised-terminal',
  'compromised-card',
  'card-testing',
  'impossible-travel',
  'account-takeover',
  'category-shift',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** The three scenarios of the Fraud Detection Handbook generator. */
export const BASELINE_SCENARIOS: readonly ScenarioId[] = SCENARIO_IDS.slice(0, 3);

export const SCENARIO_DESCRIPTIONS: Record<ScenarioId, string> = {
  'amount-over-220': 'Handbook 1: every transaction above 220 EUR is fraud',
  'compromised-terminal': 'Handbook 2: 2 terminals a day are compromised for 28 days; all their transactions are fraud',
  'compromised-card':
    'Handbook 3: 3 cards a day are compromised for 14 days; a third of their spending is x5 and fraud',
  'card-testing': 'bursts of tiny e-commerce amounts on many stolen cards within minutes, some cashed out later',
  'impossible-travel': 'a cloned card used in person too far from the last genuine use for the time between',
  'account-takeover': 'a new device and IP, a small probe, then high e-commerce amounts within hours',
  'category-shift': 'spending over days in cash-out categories the card never used, far from home',
};

export const GENUINE = 0;

export function scenarioCode(id: ScenarioId): number {
  return SCENARIO_IDS.indexOf(id) + 1;
}

export function scenarioIdOf(code: number): ScenarioId | null {
  return code === GENUINE ? null : (SCENARIO_IDS[code - 1] ?? null);
}

export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(value);
}
