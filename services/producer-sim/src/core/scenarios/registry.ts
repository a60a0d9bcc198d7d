import { Rng } from '../random.ts';
import type { ScenarioId } from '../scenario-ids.ts';
import { AccountTakeover } from './account-takeover.ts';
import { CardTesting } from './card-testing.ts';
import { CategoryShift } from './category-shift.ts';
import type { DayStep, ScenarioDeps } from './day-step.ts';
import { DeviceChange } from './device-change.ts';
import { ImpossibleTravel } from './impossible-travel.ts';
import { Travel } from './travel.ts';

/**
 * The steps for the chosen scenarios, each with its own random stream. A fraud scenario brings its honest
 * twin (travel for impossible travel, new phones for account takeover) so that it cannot be told apart by a
 * single field such as the country or a never-seen device.
 */
export function createScenarioSteps(deps: ScenarioDeps, scenarios: ReadonlySet<ScenarioId>): DayStep[] {
  const rng = (stream: number): Rng => new Rng(deps.seed, stream);
  const steps: DayStep[] = [];
  if (scenarios.has('impossible-travel')) steps.push(new Travel(deps, rng(20)));
  if (scenarios.has('account-takeover')) steps.push(new DeviceChange(deps, rng(21)));
  if (scenarios.has('card-testing')) steps.push(new CardTesting(deps, rng(10)));
  if (scenarios.has('impossible-travel')) steps.push(new ImpossibleTravel(deps, rng(11)));
  if (scenarios.has('account-takeover')) steps.push(new AccountTakeover(deps, rng(12)));
  if (scenarios.has('category-shift')) steps.push(new CategoryShift(deps, rng(13)));
  return steps;
}
