import type { Rng } from './random.ts';

const MAX_TRIES = 64;

/**
 * Points bucketed into square cells of `cellKm`, row-major, so the cells of one grid row are one contiguous
 * run of `items`. With cells as wide as the search radius, a disc touches at most three runs, which keeps
 * "a uniform point within r of (x, y)" O(1) without storing any per-customer terminal list.
 */
export class SpatialGrid {
  readonly #xs: Float64Array;
  readonly #ys: Float64Array;
  readonly #cellKm: number;
  readonly #cols: number;
  readonly #cellStart: Uint32Array;
  readonly #items: Uint32Array;
  readonly #runStart = new Uint32Array(3);
  readonly #runLength = new Uint32Array(3);

  /** Indexes points `0..count-1` of `xs`/`ys`, all inside [0, extentKm]². */
  constructor(xs: Float64Array, ys: Float64Array, count: number, extentKm: number, cellKm: number) {
    this.#xs = xs;
    this.#ys = ys;
    this.#cellKm = cellKm;
    this.#cols = Math.max(1, Math.ceil(extentKm / cellKm));
    const cells = this.#cols * this.#cols;
    const cellOf = new Uint32Array(count);
    const counts = new Uint32Array(cells + 1);
    for (let i = 0; i < count; i++) {
      const cell = this.#cellIndex(this.#col(xs[i]!), this.#col(ys[i]!));
      cellOf[i] = cell;
      counts[cell + 1]!++;
    }
    for (let c = 0; c < cells; c++) counts[c + 1]! += counts[c]!;
    this.#cellStart = counts;
    const fill = counts.slice(0, cells);
    this.#items = new Uint32Array(count);
    for (let i = 0; i < count; i++) this.#items[fill[cellOf[i]!]!++] = i;
  }

  /** Bytes held by the index. */
  get byteLength(): number {
    return this.#cellStart.byteLength + this.#items.byteLength;
  }

  /** A point drawn uniformly among those strictly within `r` of (x, y), or -1 if there is none. */
  sample(x: number, y: number, r: number, rng: Rng): number {
    const total = this.#runs(x, y, r);
    if (total === 0) return -1;
    const r2 = r * r;
    // Uniform over the covered cells, then rejection: uniform over the points within r.
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const item = this.#itemAt(rng.int(total));
      if (this.#distance2(item, x, y) < r2) return item;
    }
    // Sparse corner cases: count exactly, then pick.
    let within = 0;
    for (let k = 0; k < total; k++) if (this.#distance2(this.#itemAt(k), x, y) < r2) within++;
    if (within === 0) return -1;
    let target = rng.int(within);
    for (let k = 0; k < total; k++) {
      const item = this.#itemAt(k);
      if (this.#distance2(item, x, y) < r2 && target-- === 0) return item;
    }
    return -1;
  }

  /** Whether any point lies strictly within `r` of (x, y). */
  anyWithin(x: number, y: number, r: number): boolean {
    const total = this.#runs(x, y, r);
    const r2 = r * r;
    for (let k = 0; k < total; k++) if (this.#distance2(this.#itemAt(k), x, y) < r2) return true;
    return false;
  }

  /** Fills the (at most three) item runs covering the disc's bounding box; returns their total length. */
  #runs(x: number, y: number, r: number): number {
    if (r > this.#cellKm) throw new RangeError(`radius ${r} km is wider than the ${this.#cellKm} km cells`);
    const c0 = this.#col(x - r);
    const c1 = this.#col(x + r);
    const r0 = this.#col(y - r);
    const r1 = this.#col(y + r);
    let total = 0;
    for (let row = r0, run = 0; run < 3; row++, run++) {
      if (row > r1) {
        this.#runLength[run] = 0;
        continue;
      }
      const start = this.#cellStart[this.#cellIndex(c0, row)]!;
      const end = this.#cellStart[this.#cellIndex(c1, row) + 1]!;
      this.#runStart[run] = start;
      this.#runLength[run] = end - start;
      total += end - start;
    }
    return total;
  }

  #itemAt(k: number): number {
    for (let run = 0; run < 3; run++) {
      const length = this.#runLength[run]!;
      if (k < length) return this.#items[this.#runStart[run]! + k]!;
      k -= length;
    }
    throw new RangeError(`item ${k} is outside the covered runs`);
  }

  #distance2(item: number, x: number, y: number): number {
    const dx = this.#xs[item]! - x;
    const dy = this.#ys[item]! - y;
    return dx * dx + dy * dy;
  }

  #col(v: number): number {
    return Math.min(this.#cols - 1, Math.max(0, Math.floor(v / this.#cellKm)));
  }

  #cellIndex(col: number, row: number): number {
    return row * this.#cols + col;
  }
}
