/**
 * The depth-first search's stack of pending states against its specification
 * (checker/explore/state-stack.ts, K1–K2): random interleavings of push and pop with a
 * plain array as the reference, on chunks small enough that the stack crosses their
 * boundaries in both directions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateStack } from '../../../checker/explore/state-stack.ts';

const word = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
);

describe('StateStack', () => {
  it('K1/K2: pop returns the latest push not yet popped, with its number and depth, across chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }).chain((w) =>
          fc.tuple(fc.constant(w), fc.array(fc.option(fc.array(word, { minLength: w, maxLength: w }), { freq: 3 }), { maxLength: 600 }))),
        ([w, ops]) => {
          const stack = new StateStack(w, 64);
          const ref: { v: number[]; id: number; depth: number }[] = [];
          let n = 0;
          for (const op of ops) {
            if (op !== null) {
              const e = { v: op, id: n, depth: n % 7 };
              n++;
              stack.push(Int32Array.from(op), e.id, e.depth);
              ref.push(e);
            } else if (ref.length > 0) {
              const e = ref.pop()!;
              expect([...stack.pop()]).toEqual(e.v);
              expect([stack.poppedId, stack.poppedDepth]).toEqual([e.id, e.depth]);
            }
            expect(stack.size).toBe(ref.length);
          }
          while (ref.length > 0) {
            const e = ref.pop()!;
            expect([...stack.pop()]).toEqual(e.v);
            expect(stack.poppedId).toBe(e.id);
          }
          expect(stack.size).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
