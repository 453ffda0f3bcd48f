/**
 * Xen's bit operations, with the ordering each gives per memory model
 * (protocols.md §0, "Atomics"):
 *  - x86: every bit operation is `lock`-prefixed, so each is a full fence; under TSO a
 *    read-modify-write already drains the store buffer, so it is emitted alone.
 *  - Arm64 (xen/arch/arm/arm64/lib/bitops.c): the value-returning test_and_set_bit and
 *    test_and_clear_bit are a store-release plus a trailing DMB ISH, so they act as full
 *    fences (modelled as fence; rmw; fence); plain set_bit/clear_bit are ldxr/stxr with no
 *    barrier, an unordered RMW.
 *  - PSO follows Arm's split: value-returning operations fully ordered, plain ones not.
 *  - SC: every RMW is atomic and ordered already.
 * Helpers that a model calls in place of the Xen function of the same name.
 */
import type { InstrOptions, LocRef, Reg, ThreadBuilder } from '../../checker/builder.ts';
import type { MemoryModelName } from '../../checker/memory/model.ts';

/** Whether a value-returning atomic needs explicit fences around it under `mm`. */
const needsFences = (mm: MemoryModelName): boolean => mm === 'pso' || mm === 'armv8';

/** Run `rmw` as a fully ordered atomic: fenced where the memory model does not make an RMW a fence by itself. */
export function fullyOrdered(t: ThreadBuilder, mm: MemoryModelName, rmw: () => void): void {
  if (needsFences(mm)) t.fence('full', { note: 'atomic: leading barrier' });
  rmw();
  if (needsFences(mm)) t.fence('full', { note: 'atomic: trailing barrier' });
}

/** test_and_set_bit: `dst` := old bit; fully ordered. */
export function testAndSetBit(t: ThreadBuilder, mm: MemoryModelName, dst: Reg | null, loc: LocRef, bit: number, opts: InstrOptions = {}): void {
  fullyOrdered(t, mm, () => t.testAndSetBit(dst, loc, bit, { note: opts.note ?? `test_and_set_bit(${bit}, ${loc.name})` }));
}

/** test_and_clear_bit: `dst` := old bit; fully ordered. */
export function testAndClearBit(t: ThreadBuilder, mm: MemoryModelName, dst: Reg | null, loc: LocRef, bit: number, opts: InstrOptions = {}): void {
  fullyOrdered(t, mm, () => t.testAndClearBit(dst, loc, bit, { note: opts.note ?? `test_and_clear_bit(${bit}, ${loc.name})` }));
}

/** set_bit: atomic; locked (a full fence) on x86, unordered on Arm and under PSO. */
export function setBit(t: ThreadBuilder, _mm: MemoryModelName, loc: LocRef, bit: number, opts: InstrOptions = {}): void {
  t.setBit(loc, bit, { note: opts.note ?? `set_bit(${bit}, ${loc.name})` });
}

/** clear_bit: atomic; locked (a full fence) on x86, unordered on Arm and under PSO. */
export function clearBit(t: ThreadBuilder, _mm: MemoryModelName, loc: LocRef, bit: number, opts: InstrOptions = {}): void {
  t.clearBit(loc, bit, { note: opts.note ?? `clear_bit(${bit}, ${loc.name})` });
}
