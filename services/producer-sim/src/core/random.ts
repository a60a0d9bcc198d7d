// xoshiro128** seeded through splitmix32: small, fast on 32-bit integer ops, and identical on every platform,
// so a seed names one exact stream of draws.

function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** A 32-bit hash of a few integers: stable tokens (card, device, IP) without storing them. */
export function hash32(a: number, b: number, c = 0): number {
  let h = Math.imul(a ^ 0x27d4eb2d, 0x165667b1) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
  h = Math.imul(h ^ c ^ (h >>> 13), 0xc2b2ae3d);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareNormal = 0;
  #hasSpare = false;

  /** `stream` separates independent sequences drawn from one seed (world, days, each scenario...). */
  constructor(seed: number, stream = 0) {
    let state = hash32(seed >>> 0, stream >>> 0, 0x5eed);
    let out: number;
    [state, out] = splitmix32(state);
    this.#s0 = out | 0;
    [state, out] = splitmix32(state);
    this.#s1 = out | 0;
    [state, out] = splitmix32(state);
    this.#s2 = out | 0;
    [, out] = splitmix32(state);
    this.#s3 = out | 0 || 1;
  }

  nextUint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result >>> 0;
  }

  /** Uniform in (0, 1): never exactly 0, so it is safe under a logarithm. */
  next(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Box-Muller; the second value of each pair is kept for the next call. */
  normal(mean = 0, std = 1): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return mean + std * this.#spareNormal;
    }
    const radius = Math.sqrt(-2 * Math.log(this.next()));
    const angle = 2 * Math.PI * this.next();
    this.#spareNormal = radius * Math.sin(angle);
    this.#hasSpare = true;
    return mean + std * radius * Math.cos(angle);
  }

  exponential(mean: number): number {
    return -mean * Math.log(this.next());
  }

  /** Knuth's product method below 30 (the simulator's means are 0-4); a rounded normal above. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let product = this.next();
    while (product > limit) {
      k++;
      product *= this.next();
    }
    return k;
  }

  /** An index drawn with the given (not necessarily normalised) weights. */
  weighted(cumulative: Float64Array): number {
    const target = this.next() * cumulative[cumulative.length - 1]!;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}
