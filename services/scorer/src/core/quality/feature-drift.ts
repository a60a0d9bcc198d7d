/**
 * Drift of the live feature rows from the training rows, per feature, as the population stability index (PSI).
 *
 * The reference comes with the model (`feature_histograms` metadata, written by model/training/drift.py): per
 * feature, float32 bin edges at the training deciles and the training rows in each bin. Bin 0 holds
 * x <= edges[0], bin i holds edges[i-1] < x <= edges[i], the last x > edges[-1]. NaN (an input the feed did not
 * send) has a bin of its own after those, counted in training as `missing`: a feed that stops sending a field
 * drifts on the features that read it, as it should. The scorer keeps the last `windowRows` rows it scored in a
 * ring and their bin counts, so a report costs features × bins.
 */

/** One feature's training distribution. */
export interface FeatureHistogram {
  readonly name: string;
  /** Ascending float32 values. */
  readonly edges: readonly number[];
  /** Training rows per bin: edges.length + 1 of them. */
  readonly counts: readonly number[];
  /** Training rows where the feature was NaN (0 in a model trained before absent context). */
  readonly missing: number;
}

export interface DriftReference {
  /** Training rows the histograms count. */
  readonly rows: number;
  /** In feature-row order. */
  readonly features: readonly FeatureHistogram[];
}

export interface FeatureDrift {
  readonly name: string;
  readonly psi: number;
}

export interface DriftReport {
  /** The champion whose training rows are the reference; null when it carries none (an older model). */
  readonly modelVersion: string | null;
  /** Rows in the live window now (of at most `windowRows`). */
  readonly rows: number;
  readonly windowRows: number;
  /** Training rows of the reference. */
  readonly referenceRows: number;
  /** Every feature, most drifted first; empty without a reference or before `minRows` live rows. */
  readonly features: readonly FeatureDrift[];
}

export interface FeatureDriftOptions {
  /** Live rows compared: the most recent ones scored. */
  readonly windowRows: number;
  /** Below this many live rows no PSI is reported (a handful of rows says nothing of a distribution). */
  readonly minRows: number;
}

/**
 * A bin share of 0 makes PSI infinite; shares are floored here, the usual practice (a bin training never saw
 * holding 1% of live rows then adds (0.01 - 0.0001)·ln(100) ≈ 0.046).
 */
export const PSI_SHARE_FLOOR = 1e-4;

/** Reads the `feature_histograms` metadata; throws (with the reason) on anything the layout does not allow. */
export function parseDriftReference(json: string, featureNames: readonly string[]): DriftReference {
  const doc = JSON.parse(json) as { rows?: unknown; features?: unknown };
  if (!Number.isInteger(doc.rows) || (doc.rows as number) <= 0) throw new Error('rows is not a positive integer');
  if (!Array.isArray(doc.features) || doc.features.length !== featureNames.length) {
    throw new Error(
      `holds ${Array.isArray(doc.features) ? doc.features.length : 'no'} features, the model has ${featureNames.length}`,
    );
  }
  const features = doc.features.map((raw: unknown, i): FeatureHistogram => {
    const f = raw as { name?: unknown; edges?: unknown; counts?: unknown; missing?: unknown };
    const name = featureNames[i]!;
    if (f.name !== name) throw new Error(`feature #${i} is '${String(f.name)}', the model's is '${name}'`);
    const edges = f.edges;
    const counts = f.counts;
    if (
      !Array.isArray(edges) ||
      edges.length === 0 ||
      !edges.every((e) => typeof e === 'number' && Number.isFinite(e))
    ) {
      throw new Error(`${name}: edges are not a list of numbers`);
    }
    if (!edges.every((e: number, k) => k === 0 || e > edges[k - 1]!))
      throw new Error(`${name}: edges are not ascending`);
    if (
      !Array.isArray(counts) ||
      counts.length !== edges.length + 1 ||
      !counts.every((c) => Number.isInteger(c) && c >= 0)
    ) {
      throw new Error(`${name}: counts are not ${edges.length + 1} counts`);
    }
    const missing = f.missing ?? 0;
    if (!Number.isInteger(missing) || (missing as number) < 0) throw new Error(`${name}: missing is not a count`);
    if (counts.reduce((a: number, c: number) => a + c, missing as number) !== doc.rows)
      throw new Error(`${name}: counts and missing do not add up to rows`);
    return Object.freeze({
      name,
      edges: Object.freeze(edges.map((e: number) => Math.fround(e))),
      counts: Object.freeze([...(counts as number[])]),
      missing: missing as number,
    });
  });
  return Object.freeze({ rows: doc.rows as number, features: Object.freeze(features) });
}

/** PSI of live bin counts against reference ones: Σ (a - e) · ln(a / e) over bin shares floored at PSI_SHARE_FLOOR. */
export function populationStability(
  expected: ArrayLike<number>,
  expectedTotal: number,
  actual: ArrayLike<number>,
  actualTotal: number,
): number {
  let psi = 0;
  for (let b = 0; b < expected.length; b++) {
    const e = Math.max(expected[b]! / expectedTotal, PSI_SHARE_FLOOR);
    const a = Math.max(actual[b]! / actualTotal, PSI_SHARE_FLOOR);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/**
 * The bin of `x` among edges[from, to) (ascending): the index of the first edge not below it, counted from
 * `from`, or to − from when it is above them all; NaN's bin is the one after that (to − from + 1).
 */
export function binOf(edges: ArrayLike<number>, x: number, from = 0, to = edges.length): number {
  if (x !== x) return to - from + 1;
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - from;
}

/**
 * The live side: the last `windowRows` feature rows in a ring of raw values (so a new champion's reference
 * re-bins what is held instead of starting empty), the count index each cell fell in, and the bin counts under
 * the current reference. A row costs a binary search per feature; the row it pushes out, a decrement each.
 */
export class FeatureDriftMonitor {
  readonly #options: FeatureDriftOptions;
  readonly #width: number;
  readonly #ring: Float32Array;
  /** Per cell of the ring, the index in #counts it was counted at (under the current reference). */
  readonly #cells: Uint16Array;
  #next = 0;
  #held = 0;
  #reference: DriftReference | null = null;
  #modelVersion: string | null = null;
  /** All features' edges in one array, feature j's at [edgeStart[j], edgeStart[j+1]); its bins from offsets[j],
   * edges + 2 of them (the last for NaN). */
  #edges: Float64Array = new Float64Array(0);
  #edgeStart: Int32Array = new Int32Array(0);
  #offsets: Int32Array = new Int32Array(0);
  #counts: Uint32Array = new Uint32Array(0);
  /** Per feature, the reference's training rows per bin, its missing rows last (as #counts lays them out). */
  #expected: Float64Array[] = [];

  constructor(width: number, options: FeatureDriftOptions) {
    if (!(options.windowRows >= 1 && options.minRows >= 1)) throw new RangeError('windowRows and minRows must be ≥ 1');
    this.#options = options;
    this.#width = width;
    this.#ring = new Float32Array(options.windowRows * width);
    this.#cells = new Uint16Array(options.windowRows * width);
  }

  /** The serving champion's reference (null: it has none); the rows held are counted again under it. */
  setReference(modelVersion: string, reference: DriftReference | null): void {
    if (reference !== null && reference.features.length !== this.#width) {
      throw new RangeError(`the reference has ${reference.features.length} features, rows have ${this.#width}`);
    }
    const bins = reference?.features.reduce((sum, f) => sum + f.counts.length + 1, 0) ?? 0;
    if (bins > 0xffff) throw new RangeError(`the reference has ${bins} bins in all (at most 65535)`);
    this.#modelVersion = modelVersion;
    this.#reference = reference;
    const features = reference?.features ?? [];
    this.#edges = Float64Array.from(features.flatMap((f) => f.edges));
    this.#edgeStart = Int32Array.from([0, ...features.map((f) => f.edges.length)]);
    for (let j = 1; j < this.#edgeStart.length; j++) this.#edgeStart[j]! += this.#edgeStart[j - 1]!;
    this.#offsets = Int32Array.from(features, (_, j) => this.#edgeStart[j]! + 2 * j);
    this.#counts = new Uint32Array(bins);
    this.#expected = features.map((f) => Float64Array.from([...f.counts, f.missing]));
    const capacity = this.#options.windowRows;
    const start = (this.#next - this.#held + capacity) % capacity;
    if (reference !== null) for (let k = 0; k < this.#held; k++) this.#count((start + k) % capacity);
  }

  /** `rows` feature rows laid out row-major in `features`, the oldest leaving the window. */
  observe(features: Float32Array, rows: number): void {
    const width = this.#width;
    const capacity = this.#options.windowRows;
    const counting = this.#reference !== null;
    const ring = this.#ring;
    const cells = this.#cells;
    const counts = this.#counts;
    for (let r = 0; r < rows; r++) {
      const slot = this.#next;
      const base = slot * width;
      if (this.#held === capacity) {
        if (counting) for (let j = 0; j < width; j++) counts[cells[base + j]!]!--;
      } else this.#held++;
      for (let j = 0; j < width; j++) ring[base + j] = features[r * width + j]!;
      if (counting) this.#count(slot);
      this.#next = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  report(): DriftReport {
    const reference = this.#reference;
    const features: FeatureDrift[] = [];
    if (reference !== null && this.#held >= this.#options.minRows) {
      reference.features.forEach((f, j) => {
        const expected = this.#expected[j]!;
        const live = this.#counts.subarray(this.#offsets[j], this.#offsets[j]! + expected.length);
        features.push({ name: f.name, psi: populationStability(expected, reference.rows, live, this.#held) });
      });
      features.sort((a, b) => b.psi - a.psi || (a.name < b.name ? -1 : 1));
    }
    return {
      modelVersion: reference === null ? null : this.#modelVersion,
      rows: this.#held,
      windowRows: this.#options.windowRows,
      referenceRows: reference?.rows ?? 0,
      features,
    };
  }

  /** Counts the row in `slot` under the current reference, and notes where each cell went. */
  #count(slot: number): void {
    const base = slot * this.#width;
    const edges = this.#edges;
    const edgeStart = this.#edgeStart;
    for (let j = 0; j < this.#width; j++) {
      const cell = this.#offsets[j]! + binOf(edges, this.#ring[base + j]!, edgeStart[j], edgeStart[j + 1]);
      this.#cells[base + j] = cell;
      this.#counts[cell]!++;
    }
  }
}
