/**
 * The BFS frontier's encoded levels against their specification (checker/explore/frontier.ts,
 * F1–F3): random vectors, including extreme differences and long runs of equal words, with
 * chunks small enough that a level crosses many of them, and two levels alternating over
 * one pool as the search uses them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Frontier } from '../../../checker/explore/frontier.ts';

const word = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 127, 128, 16383, 16384),
);

/** vectors of one width, each either fresh or a few words changed from the one before */
const level = (width: number) =>
  fc.array(fc.tuple(fc.boolean(), fc.array(fc.tuple(fc.nat(width - 1), word), { maxLength: Math.min(width, 8) })), { maxLength: 400 }).map((steps) => {
    const out: Int32Array[] = [];
    let prev = new Int32Array(width);
    for (const [fresh, changes] of steps) {
      const v = fresh ? new Int32Array(width) : Int32Array.from(prev);
      for (const [i, x] of changes) v[i] = x;
      out.push(v);
      prev = v;
    }
    return out;
  });

// narrow widths make chunks of few bytes, so states (down to one byte) end chunks often
const levelOfSomeWidth = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 300 })).chain((w) => fc.tuple(fc.constant(w), level(w), level(w)));

function readAll(f: Frontier): Int32Array[] {
  const out: Int32Array[] = [];
  f.beginReading();
  while (f.remaining > 0) out.push(Int32Array.from(f.read()));
  return out;
}

describe('Frontier', () => {
  it('F1/F2: reads back the vectors appended, in order, across chunk boundaries', () => {
    fc.assert(
      fc.property(levelOfSomeWidth, ([width, states]) => {
        const f = new Frontier(width, [], 64); // the smallest chunk: two worst-case states
        for (const s of states) f.append(s);
        expect(f.count).toBe(states.length);
        expect(readAll(f)).toEqual(states);
        expect(f.remaining).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('F3: two levels alternating over one pool, as the search swaps them, each read back intact', () => {
    fc.assert(
      fc.property(levelOfSomeWidth, ([width, a, b]) => {
        const pool: Uint8Array[] = [];
        let cur = new Frontier(width, pool, 64);
        let next = new Frontier(width, pool, 64);
        for (const s of a) cur.append(s);
        // expand `cur` while filling `next`, so chunks cur releases are reused by next
        cur.beginReading();
        const readA: Int32Array[] = [];
        for (let i = 0; i < a.length; i++) {
          readA.push(Int32Array.from(cur.read()));
          if (i < b.length) next.append(b[i]);
        }
        for (let i = a.length; i < b.length; i++) next.append(b[i]);
        expect(readA).toEqual(a);
        cur.reset();
        expect(cur.count).toBe(0);
        [cur, next] = [next, cur];
        expect(readAll(cur)).toEqual(b);
        // the emptied level is reused
        for (const s of a) next.append(s);
        expect(readAll(next)).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('stores a state equal to the one before it as one varint: two bytes at width 643', () => {
    const f = new Frontier(643);
    const s = new Int32Array(643).fill(5);
    f.append(s);
    const afterFirst = f.bytesWritten;
    for (let i = 0; i < 1000; i++) f.append(s);
    expect(f.bytesWritten - afterFirst).toBe(1000 * 2); // skip 643 is a two-byte varint
  });
});
