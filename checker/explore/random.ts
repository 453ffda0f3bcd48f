/**
 * A seeded pseudo-random sequence for search orders that shuffle successors: xorshift32
 * (Marsaglia, "Xorshift RNGs", 2003). Not for statistics — for a reproducible order: the
 * same seed gives the same search, so a run that finds a violation can be repeated.
 */
export class Xorshift32 {
  private x: number;

  constructor(seed: number) {
    // a zero state would stay zero; any other seed is spread over the 32 bits
    this.x = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x6d2b79f5) | 0 || 1;
  }

  /** a uniform integer in [0, n), n ≤ 2^32 (the modulo bias is below 2^-16 for n < 2^16) */
  below(n: number): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x;
    return (x >>> 0) % n;
  }
}
