/**
 * Promises and their certification, as Promising-ARM defines them (Pulte, Pichon-Pharabod,
 * Kang, Lee and Hur, "Promising-ARM/RISC-V: A Simpler and Faster Operational Concurrency
 * Model", PLDI 2019, §3–§5): a thread may *promise* a write — append it to memory before
 * it executes it, so other threads can read it early (the load-buffering reorderings) —
 * and a state is an execution state only if every thread can, running alone from it,
 * fulfil all its outstanding promises (it is *certified*).
 *
 * The memory model keeps promises in its memory (checker/memory/armv8/); running a
 * thread alone needs its code, so this lives with the explorer and drives a second
 * SuccessorGenerator over a second instance of the model, one thread at a time:
 *
 * - `admitsAll(s)`: a successor is kept only if every thread has no outstanding promise
 *   or can fulfil them all alone (`admits(s, t)`: a depth-first search over t's own steps,
 *   each read taking any message the model allows, each write appended fresh or fulfilling
 *   a promise). Every thread, not only the one that stepped: another thread's write can
 *   take away a run t's certificate relied on — t's lock acquire (an atomic, or an
 *   exclusive pair) must then read that newer write, which can lift t's views past the
 *   place of its promise (a state kept without this was no execution's prefix, and an
 *   invariant could fail in it: a false violation).
 * - `promiseSteps(cur)`: for every thread below the promise bound, the writes it could
 *   promise now: those it performs in some run alone from `cur` (any promise it could
 *   fulfil is among them, since a run that fulfils it can write it fresh instead),
 *   each kept if the state with that promise appended is certified. They are the memory
 *   model's steps on behalf of t (actor T + t).
 *
 * A search alone is cut by a visited set of exact states (no fingerprints: a collision
 * would lose a certification, i.e. a behaviour) and by the model's memory bound.
 *
 * Both answers depend only on t: its pc, registers, the ghosts (its code may read them)
 * and the model's part for t (its views, memory: PromiseSupport.local). Many states share
 * that part (they differ in other threads), so both are cached under it, exactly.
 */
import type { CompiledProgram } from '../compile.ts';
import { fault, OP_AWAIT_RMW, OP_RMW, OP_STORE } from '../compile.ts';
import type { MemoryModel, PromiseSupport } from '../memory/model.ts';
import { ExactStateSet } from './exact.ts';
import { Fingerprinter } from './fingerprint.ts';
import type { StepTracer, SuccessorGenerator, SuccessorSink } from './successors.ts';

export class Certification {
  private readonly soloModel: MemoryModel;
  private readonly gen: SuccessorGenerator;
  private readonly width: number;
  private readonly visited: ExactStateSet;
  private readonly fp = new Fingerprinter();
  /** depth-first stack of states, reused */
  private readonly stack: Int32Array[] = [];
  private top = 0;
  private readonly writes = new Set<bigint>();
  private readonly record = (cell: number, value: number): void => { this.writes.add((BigInt(cell) << 32n) | BigInt(value >>> 0)); };
  private readonly push: SuccessorSink;
  private readonly threads: number;
  /**
   * Per thread: the key buffer, the set of keys met (numbering them), and by key number the
   * two cached answers: certified promise candidates (undefined: not yet asked) and admits()
   * (0: not yet asked, 1: no, 2: yes). One key set serves both, as both are asked of the
   * same states.
   */
  private readonly keys: Int32Array[];
  private readonly keySets: ExactStateSet[];
  private readonly candidateLists: (readonly number[] | undefined)[][] = [];
  private readonly admitResults: Uint8Array[] = [];

  constructor(cp: CompiledProgram, private readonly promises: PromiseSupport, makeSolo: (mm: MemoryModel) => SuccessorGenerator) {
    this.soloModel = promises.solo();
    this.gen = makeSolo(this.soloModel);
    this.width = cp.layout.size;
    this.threads = cp.threads.length;
    this.visited = new ExactStateSet(this.width, 10);
    const L = cp.layout;
    this.keys = cp.threads.map((th, t) => new Int32Array(1 + th.nregs + L.ghostCells + promises.localWidth(t)));
    this.keySets = this.keys.map((k) => new ExactStateSet(k.length, 10));
    this.candidateLists = this.keys.map(() => []);
    this.admitResults = this.keys.map(() => new Uint8Array(1024));
    this.keyOf = (s, t) => {
      const k = this.keys[t];
      const th = cp.threads[t];
      let at = 0;
      k[at++] = s[t];
      for (let r = th.regBase, end = th.regBase + th.nregs; r < end; r++) k[at++] = s[r];
      for (let g = L.ghostBase, end = L.ghostBase + L.ghostCells; g < end; g++) k[at++] = s[g];
      promises.local(s, t, k, at);
      this.fp.hash(k, 0, k.length);
      return k;
    };
    this.push = {
      state: (s) => {
        this.fp.hash(s, 0, this.width);
        if (!this.visited.add(s, this.fp.lo)) return;
        let slot = this.stack[this.top];
        if (slot === undefined) { slot = new Int32Array(this.width); this.stack[this.top] = slot; }
        slot.set(s);
        this.top++;
      },
      violation: () => {},
    };
  }

  /** The cache key of thread t in `s` (its hash left in `this.fp.lo`). */
  private readonly keyOf: (s: Int32Array, t: number) => Int32Array;

  /** The number of thread t's key in `s` in its key set, adding it when new. */
  private keyId(s: Int32Array, t: number): number {
    const k = this.keyOf(s, t);
    const id = this.keySets[t].insert(k, this.fp.lo);
    return id < 0 ? -id - 1 : id;
  }

  /** Whether thread t, which just stepped to `s`, can fulfil its outstanding promises alone. */
  admits(s: Int32Array, t: number): boolean {
    if (this.promises.outstanding(s, t) === 0) return true;
    const id = this.keyId(s, t);
    let r = this.admitResults[t];
    if (id >= r.length) { const g = new Uint8Array(Math.max(r.length * 2, id + 1)); g.set(r); this.admitResults[t] = r = g; }
    if (r[id] !== 0) return r[id] === 2;
    const ok = this.certify(s, t, -1);
    r[id] = ok ? 2 : 1;
    return ok;
  }

  /** Whether every thread can fulfil its outstanding promises alone from `s`. */
  admitsAll(s: Int32Array): boolean {
    for (let t = 0; t < this.threads; t++) if (!this.admits(s, t)) return false;
    return true;
  }

  /**
   * The same, for `s` in the middle of a step of t that continues at `pc` (after an
   * assertion): t from there, the others from `s`.
   */
  admitsAllFrom(s: Int32Array, t: number, pc: number): boolean {
    if (this.promises.outstanding(s, t) > 0 && !this.certify(s, t, pc)) return false;
    return this.othersAdmit(s, t);
  }

  private certify(s: Int32Array, t: number, pc: number): boolean {
    this.start();
    if (pc >= 0) {
      const s0 = s.slice();
      s0[t] = pc;
      this.gen.continueLocal(s0, t, this.push);
    } else {
      this.push.state(s, t);
    }
    const p = this.promises;
    while (this.top > 0) {
      const cur = this.stack[--this.top];
      if (p.outstanding(cur, t) === 0) return true;
      if (!p.viable(cur, t)) continue;
      // generateThread reports into the stack; `cur` is its slot, which the next push
      // may overwrite, so it runs on a copy
      this.gen.generateThread(this.scratch(cur), t, this.push);
    }
    return false;
  }

  private scratchState: Int32Array | null = null;
  private scratch(s: Int32Array): Int32Array {
    if (this.scratchState === null) this.scratchState = new Int32Array(this.width);
    this.scratchState.set(s);
    return this.scratchState;
  }

  private start(): void {
    this.visited.clear();
    this.top = 0;
  }

  /**
   * Every write thread t performs in some run alone from `cur` that could take the position
   * a promise made now would take, as (cell, value) pairs in a fixed order. A run is cut
   * where its views for writes pass that position: nothing later can be promised now.
   */
  private candidates(cur: Int32Array, t: number): [number, number][] {
    const p = this.promises;
    const at = p.next(cur);
    this.writes.clear();
    this.soloModel.promises!.collect(at, this.record);
    try {
      this.start();
      this.push.state(cur, t);
      while (this.top > 0) {
        const s = this.stack[--this.top];
        if (!p.open(s, t, at)) continue;
        this.gen.generateThread(this.scratch(s), t, this.push);
      }
    } finally {
      this.soloModel.promises!.collect(0, null);
    }
    return [...this.writes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((w) => [Number(w >> 32n), Number(BigInt.asIntN(32, w & 0xffffffffn))]);
  }

  /** The cell thread t's next instruction writes, if it is a store or an atomic; else -1. */
  private nextWrite(cur: Int32Array, t: number): number {
    const th = this.gen.cp.threads[t];
    const ins = th.code[cur[t]];
    if (ins.op !== OP_STORE && ins.op !== OP_RMW && ins.op !== OP_AWAIT_RMW) return -1;
    const cell = ins.addr(cur);
    fault.message = '';
    return cell;
  }

  /**
   * Report the promise steps from `cur`: thread by thread, each certified write it may
   * promise. `scratch` is a state vector the caller lends for the successors.
   */
  promiseSteps(cur: Int32Array, scratch: Int32Array, sink: SuccessorSink, tr: StepTracer | null): void {
    const p = this.promises;
    if (!p.room(cur) || !p.mayPromise(cur)) return;
    let total = 0;
    for (let t = 0; t < this.threads; t++) total += p.outstanding(cur, t);
    const atBound = total >= p.bound;
    if (atBound && p.boundHits > 0) return;
    for (let t = 0; t < this.threads; t++) {
      if (cur[t] === this.gen.cp.threads[t].end) continue;
      const promisable = this.promisable(cur, t, scratch);
      if (atBound) {
        // one more promise would have been possible: the bound limits this search
        if (promisable.length > 0) { p.boundHits++; return; }
        continue;
      }
      for (let i = 0; i < promisable.length; i += 2) {
        scratch.set(cur);
        const m = tr !== null ? tr.mark() : 0;
        if (tr !== null) tr.internal(t);
        p.promise(scratch, t, promisable[i], promisable[i + 1]);
        // t is certified with it (promisable); the others must still be, with it in memory
        if (this.othersAdmit(scratch, t)) sink.state(scratch, this.threads + t);
        if (tr !== null) tr.reset(m);
      }
    }
  }

  private othersAdmit(s: Int32Array, t: number): boolean {
    for (let u = 0; u < this.threads; u++) if (u !== t && !this.admits(s, u)) return false;
    return true;
  }

  /** The writes t may promise from `cur` (certified), as [cell, value, cell, value, ...]; cached. */
  private promisable(cur: Int32Array, t: number, scratch: Int32Array): readonly number[] {
    const id = this.keyId(cur, t);
    const known = this.candidateLists[t][id];
    if (known !== undefined) return known;
    const out: number[] = [];
    const next = this.nextWrite(cur, t);
    for (const [cell, value] of this.candidates(cur, t)) {
      // A promise to the cell t's next instruction writes is fulfilled by that instruction
      // or never (coherence): it is the same as executing the instruction now, or dead.
      if (cell === next) continue;
      scratch.set(cur);
      // on the solo instance, which traces nothing during a replay
      this.soloModel.promises!.promise(scratch, t, cell, value);
      if (this.certify(scratch, t, -1)) out.push(cell, value);
    }
    this.candidateLists[t][id] = out;
    return out;
  }
}
