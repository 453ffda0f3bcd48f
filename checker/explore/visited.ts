/**
 * The visited set of the default (fingerprint) mode: an open-addressing hash set of
 * 64-bit fingerprints over two Int32Arrays.
 *
 * Specification (checked by test/checker/explore/visited.test.ts against a plain Set of
 * fingerprints, over random sequences of insertions that cross several resizes):
 *   S1. add(hi, lo) returns true exactly when (hi, lo) was not added before, then
 *       `size` counts the distinct fingerprints added so far.
 *   S2. has(hi, lo) returns true exactly when (hi, lo) was added before.
 *   S3. Slot (0, 0) marks an empty slot, so the fingerprint (0, 0) is stored as (0, 1);
 *       the two are therefore one fingerprint, a collision like any other (chance 2^-64).
 *   S4. The table never fills: it doubles before the load factor passes 0.7, so a probe
 *       always ends at an empty slot, and every stored fingerprint stays findable from its
 *       home slot through the linear probe sequence (no deletions, so no tombstones).
 */
export class FingerprintSet {
  private hiTab: Int32Array;
  private loTab: Int32Array;
  private mask: number;
  private limit: number;
  size = 0;

  constructor(initialCapacityLog2 = 16) {
    const cap = 1 << initialCapacityLog2;
    this.hiTab = new Int32Array(cap);
    this.loTab = new Int32Array(cap);
    this.mask = cap - 1;
    this.limit = Math.floor(cap * 0.7);
  }

  /** Adds a fingerprint; true when it was new. */
  add(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const hiTab = this.hiTab, loTab = this.loTab, mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const h = hiTab[i], l = loTab[i];
      if (h === 0 && l === 0) break;
      if (h === hi && l === lo) return false;
      i = (i + 1) & mask;
    }
    hiTab[i] = hi;
    loTab[i] = lo;
    if (++this.size > this.limit) this.grow();
    return true;
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const h = this.hiTab[i], l = this.loTab[i];
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
      i = (i + 1) & this.mask;
    }
  }

  /** bytes held by the table */
  get bytes(): number {
    return this.hiTab.byteLength + this.loTab.byteLength;
  }

  private grow(): void {
    const oldHi = this.hiTab, oldLo = this.loTab;
    const cap = oldHi.length * 2;
    const hiTab = new Int32Array(cap), loTab = new Int32Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < oldHi.length; j++) {
      const h = oldHi[j], l = oldLo[j];
      if (h === 0 && l === 0) continue;
      let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      while (hiTab[i] !== 0 || loTab[i] !== 0) i = (i + 1) & mask;
      hiTab[i] = h;
      loTab[i] = l;
    }
    this.hiTab = hiTab;
    this.loTab = loTab;
    this.mask = mask;
    this.limit = Math.floor(cap * 0.7);
  }
}
