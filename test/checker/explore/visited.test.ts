/**
 * The visited sets against their specification (checker/explore/visited.ts, S1–S4), on
 * random insertion sequences long enough to cross several resizes, with a plain Set as
 * the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactStateSet } from '../../../checker/explore/exact.ts';
import { Fingerprinter } from '../../../checker/explore/fingerprint.ts';
import { FingerprintSet } from '../../../checker/explore/visited.ts';

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

describe('FingerprintSet', () => {
  it('S1/S2: add is true exactly for new fingerprints, has agrees, size counts distinct ones (across resizes)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), int32), { minLength: 1, maxLength: 3000 }), (pairs) => {
        const set = new FingerprintSet(4); // 16 slots: grows many times
        const ref = new Set<string>();
        for (const [hi, lo] of pairs) {
          const key = `${hi},${hi === 0 && lo === 0 ? 1 : lo}`;
          expect(set.add(hi, lo)).toBe(!ref.has(key));
          ref.add(key);
          expect(set.size).toBe(ref.size);
        }
        for (const [hi, lo] of pairs) expect(set.has(hi, lo)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('S3: the fingerprint (0,0) is stored as (0,1), so the two are one fingerprint', () => {
    const set = new FingerprintSet(4);
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(0, 1)).toBe(false);
    expect(set.has(0, 0)).toBe(true);
    expect(set.size).toBe(1);
  });

  it('S4: with colliding home slots (equal low bits) every fingerprint stays findable', () => {
    const set = new FingerprintSet(4);
    for (let i = 0; i < 500; i++) expect(set.add(i, 0)).toBe(true);
    for (let i = 0; i < 500; i++) expect(set.has(i, 0)).toBe(true);
    expect(set.has(501, 0)).toBe(false);
  });
});

describe('ExactStateSet', () => {
  // sparse vectors of words of every size, as states are: mostly 0, some small, a few extreme
  const word = fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 127, 128, -65, 16384) },
    { weight: 1, arbitrary: int32 },
  );
  const vectors = fc.integer({ min: 1, max: 40 }).chain((w) =>
    fc.tuple(fc.constant(w), fc.array(fc.array(word, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 1500 })));

  it('stores whole vectors: equal vectors are one state, any difference is another, and states come back by number', () => {
    fc.assert(
      fc.property(vectors, ([w, vecs]) => {
        const set = new ExactStateSet(w, 4);
        const fp = new Fingerprinter();
        const ids = new Map<string, number>();
        for (const v of vecs) {
          const s = Int32Array.from(v);
          fp.hash(s, 0, w);
          const key = v.join(',');
          const fresh = set.add(s, fp.lo & 1); // a 1-bit hash forces long probe chains
          expect(fresh).toBe(!ids.has(key));
          if (fresh) ids.set(key, ids.size);
          expect(set.lastId).toBe(ids.get(key));
          expect(set.is(set.lastId, s)).toBe(true);
        }
        expect(set.size).toBe(ids.size);
        const out = new Int32Array(w).fill(7); // get overwrites every word
        for (const [key, id] of ids) {
          set.get(id, out);
          expect([...out].join(',')).toBe(key);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('after clear, holds only what is added again (storage reused)', () => {
    fc.assert(
      fc.property(vectors, vectors, ([w, a], [, b]) => {
        const set = new ExactStateSet(w, 4);
        const fp = new Fingerprinter();
        const put = (v: number[]): boolean => {
          const s = Int32Array.from({ length: w }, (_, i) => v[i] ?? 0);
          fp.hash(s, 0, w);
          return set.add(s, fp.lo);
        };
        for (const v of a) put(v);
        set.clear();
        expect(set.size).toBe(0);
        const seen = new Set<string>();
        for (const v of b) {
          const key = Array.from({ length: w }, (_, i) => v[i] ?? 0).join(',');
          expect(put(v)).toBe(!seen.has(key));
          seen.add(key);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('Fingerprinter', () => {
  it('gives equal vectors equal fingerprints and separates vectors that differ in one position', () => {
    const fp = new Fingerprinter();
    const seen = new Set<string>();
    const s = new Int32Array(8);
    for (let pos = 0; pos < 8; pos++) {
      for (let v = 0; v < 64; v++) {
        s.fill(0);
        s[pos] = v;
        fp.hash(s, 0, 8);
        seen.add(`${fp.hi},${fp.lo}`);
      }
    }
    // 8 positions × 64 values, minus the 7 duplicates of the all-zero vector
    expect(seen.size).toBe(8 * 64 - 7);
  });
});
