import type { Explanation, FeatureContribution } from '../../../../../schemas/src/types.ts';
import type { TreeShap } from './tree-shap.ts';

/**
 * The explanation of one scored row: `explainer`'s contributions (into `scratch`, one slot per feature), the
 * `top` of largest absolute value first (ties by feature order), with the row's values beside them.
 */
export function explainRow(
  explainer: TreeShap,
  names: readonly string[],
  row: Float32Array,
  offset: number,
  top: number,
  scratch: Float64Array,
): Explanation {
  const margin = explainer.explain(row, offset, scratch);
  const width = names.length;
  // A partial selection: `top` is a handful of a few dozen features.
  const chosen: number[] = [];
  for (let f = 0; f < width; f++) {
    const size = Math.abs(scratch[f]!);
    if (size === 0) continue;
    let at = chosen.length;
    while (at > 0 && Math.abs(scratch[chosen[at - 1]!]!) < size) at--;
    if (at >= top) continue;
    chosen.splice(at, 0, f);
    if (chosen.length > top) chosen.pop();
  }
  const contributions: FeatureContribution[] = chosen.map((f) => ({
    feature: names[f]!,
    value: row[offset + f]!,
    contribution: scratch[f]!,
  }));
  return { expectedValue: explainer.expected, margin, contributions };
}
