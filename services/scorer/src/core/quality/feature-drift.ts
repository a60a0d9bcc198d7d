/**
 * Drift of the live feature rows from the training rows, per feature, as the population stability index (PSI).
 *
 * The reference comes with the model (`feature_histograms` metadata, written by model/training/drift.py): per
 * feature, float32 bin edges at the training deciles and the training rows in each bin. Bin 0 holds
 * x <= edges[0], bin i holds edges[i-1] < x <= edges[i], the last x > edges[-1]. The scorer keeps the last
 * `windowRows` rows it scored in a ring and their bin counts, so a report costs features × bins.
 */

/** One feature's training distribution. */
export interface FeatureHistogram {
  readonly name: string;
  /** Ascending float32 values. */
  readonly edges: readonly number[];
  /** Training rows per bin: edges.length + 1 of them. */
  readonly counts: readonly number[];
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
    const f = raw as { name?: unknown; edges?: unknown; counts?: unknown };
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
    if (counts.reduce((a: number, c: number) => a + c, 0) !== doc.rows)
      throw new Error(`${name}: counts do not add up to rows`);
    return Object.freeze({
      name,
      edges: Object.freeze(edges.map((e: number) => Math.fround(e))),
      counts: Object.freeze([...(counts as number[])]),
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

/** The bin of `x`: the first edge not below it (edges ascending), or edges.length when it is above them all. */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The live side: the last `windowRows` feature rows in a ring of raw values (so a new champion's reference
 * re-bins what is held instead of starting empty) and their bin counts under the current reference.
 */
export class FeatureDriftMonitor {
  readonly #options: FeatureDriftOptions;
  readonly #width: number;
  readonly #ring: Float32Array;
  #next = 0;
  #held = 0;
  #reference: DriftReference | null = null;
  #modelVersion: string | null = null;
  /** Per feature, the first index of its bins in #counts. */
  #offsets: Int32Array = new Int32Array(0);
  #counts: Uint32Array = new Uint32Array(0);

  constructor(width: number, options: FeatureDriftOptions) {
    if (!(options.windowRows >= 1 && options.minRows >= 1)) throw new RangeError('windowRows and minRows must be ≥ 1');
    this.#options = options;
    this.#width = width;
    this.#ring = new Float32Array(options.windowRows * width);
  }

  /** The serving champion's reference (null: it has none); the rows held are counted again under it. */
  setReference(modelVersion: string, reference: DriftReference | null): void {
    if (reference !== null && reference.features.length !== this.#width) {
      throw new RangeError(`the reference has ${reference.features.length} features, rows have ${this.#width}`);
    }
    this.#modelVersion = modelVersion;
    this.#reference = reference;
    if (reference === null) {
      this.#offsets = new Int32Array(0);
      this.#counts = new Uint32Array(0);
      return;
    }
    this.#offsets = new Int32Array(this.#width);
    let bins = 0;
    reference.features.forEach((f, j) => {
      this.#offsets[j] = bins;
      bins += f.counts.length;
    });
    this.#counts = new Uint32Array(bins);
    const start = (this.#next - this.#held + this.#options.windowRows) % this.#options.windowRows;
    for (let k = 0; k < this.#held; k++) this.#count((start + k) % this.#options.windowRows, 1);
  }

  /** `rows` feature rows laid out row-major in `features`, the oldest leaving the window. */
  observe(features: Float32Array, rows: number): void {
    const width = this.#width;
    const capacity = this.#options.windowRows;
    for (let r = 0; r < rows; r++) {
      const slot = this.#next;
      if (this.#held === capacity) this.#count(slot, -1);
      else this.#held++;
      this.#ring.set(features.subarray(r * width, (r + 1) * width), slot * width);
      this.#count(slot, 1);
      this.#next = (slot + 1) % capacity;
    }
  }

  report(): DriftReport {
    const reference = this.#reference;
    const features: FeatureDrift[] = [];
    if (reference !== null && this.#held >= this.#options.minRows) {
      reference.features.forEach((f, j) => {
        const live = this.#counts.subarray(this.#offsets[j], this.#offsets[j]! + f.counts.length);
        features.push({ name: f.name, psi: populationStability(f.counts, reference.rows, live, this.#held) });
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

  #count(slot: number, delta: 1 | -1): void {
    const reference = this.#reference;
    if (reference === null) return;
    const base = slot * this.#width;
    const counts = this.#counts;
    for (let j = 0; j < this.#width; j++) {
      counts[this.#offsets[j]! + binOf(reference.features[j]!.edges, this.#ring[base + j]!)]! += delta;
    }
  }
}
