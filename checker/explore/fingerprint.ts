/**
 * 64-bit state fingerprints, computed as two independent 32-bit lanes over the state
 * vector: lane `hi` is MurmurHash3's x86_32 mixing, lane `lo` uses xxHash32's primes and
 * rotations, each with its own seed and its own finaliser. The result lands in the
 * fields `hi` and `lo`, so hashing allocates nothing.
 *
 * With n states and t transitions explored, the chance that two distinct states shared
 * a fingerprint (so that one was wrongly taken as visited) is at most about
 * n·(t−n)/2^64, the "optimistic" estimate TLC prints; `collisionProbability` computes it.
 */
export class Fingerprinter {
  hi = 0;
  lo = 0;

  hash(s: Int32Array, from: number, to: number): void {
    let h1 = 0x5bd1e995 ^ (to - from);
    let h2 = 0x27d4eb2f ^ (to - from);
    for (let i = from; i < to; i++) {
      const k = s[i];
      let k1 = Math.imul(k, 0xcc9e2d51);
      k1 = (k1 << 15) | (k1 >>> 17);
      k1 = Math.imul(k1, 0x1b873593);
      h1 ^= k1;
      h1 = (h1 << 13) | (h1 >>> 19);
      h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
      h2 = (h2 + Math.imul(k, 0xc2b2ae3d)) | 0;
      h2 = (h2 << 17) | (h2 >>> 15);
      h2 = Math.imul(h2, 0x27d4eb2f);
    }
    h1 ^= h1 >>> 16; h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13; h1 = Math.imul(h1, 0xc2b2ae35);
    h1 ^= h1 >>> 16;
    h2 ^= h2 >>> 15; h2 = Math.imul(h2, 0x85ebca77);
    h2 ^= h2 >>> 13; h2 = Math.imul(h2, 0x165667b1);
    h2 ^= h2 >>> 16;
    this.hi = h1 | 0;
    this.lo = h2 | 0;
  }
}

/** TLC's optimistic estimate of the probability that fingerprinting missed a state. */
export function collisionProbability(states: number, transitions: number): number {
  return (states * Math.max(0, transitions - states)) / 2 ** 64;
}
