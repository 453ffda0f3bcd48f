/**
 * The explored state graph, kept for liveness: every edge with its label, in compressed
 * sparse row (CSR) form, filled by the breadth-first search as it expands states (it
 * implements the search's EdgeSink).
 *
 * State ids are the search's (exact mode: the order in which states were first reached),
 * and states are expanded in increasing id, so the edges of state u are
 * targets[offsets[u] .. offsets[u+1]) and only the states 0 … expanded-1 have edges.
 * A state the search reached but did not expand (it stopped at a bound) has unknown
 * successors; the liveness check leaves it out, which is why a cut-short run can still
 * give a genuine violation but never a `holds`.
 *
 * Labels (SuccessorGenerator.stepLabel): thread t (0 ≤ t < T) for a thread's step; T + j for
 * the memory model's own step of fairness unit j (MemoryFairness in checker/memory/model.ts);
 * T + K for a memory step that no fairness covers (a promise); T + K + 1 + c for a thread's
 * step that executes an instruction of step class c (a fairness or progress label;
 * CompiledProgram.stepClasses), K being the memory model's unit count.
 *
 * Memory: 4 bytes of offset and 1 byte of flags per expanded state, 6 bytes per edge
 * (Int32 target, Uint16 label), in arrays that double as they fill.
 */
import type { EdgeSink } from '../explore/search.ts';

export class StateGraph implements EdgeSink {
  offsets: Int32Array = new Int32Array(1 << 12);
  targets: Int32Array = new Int32Array(1 << 14);
  labels: Uint16Array = new Uint16Array(1 << 14);
  /** 1 where a step of the state faults or fails an assertion */
  errors: Uint8Array = new Uint8Array(1 << 12);
  private readonly initialIds: number[] = [];
  /** states 0 … expanded-1 have their edges recorded */
  expanded = 0;
  edgeCount = 0;

  constructor(readonly threads: number, readonly labelCount: number) {
    if (labelCount > 0xffff) throw new Error(`liveness: ${labelCount} edge labels do not fit 16 bits`);
  }

  get initials(): readonly number[] {
    return this.initialIds;
  }

  // --- EdgeSink ------------------------------------------------------------------------

  initial(id: number): void {
    if (!this.initialIds.includes(id)) this.initialIds.push(id);
  }

  expand(id: number): void {
    if (id !== this.expanded) throw new Error(`liveness graph: state ${id} expanded out of order (expected ${this.expanded})`);
    if (id + 2 > this.offsets.length) {
      this.offsets = grow32(this.offsets, id + 2);
      const e = new Uint8Array(this.offsets.length);
      e.set(this.errors);
      this.errors = e;
    }
    this.offsets[id] = this.edgeCount;
    this.offsets[id + 1] = this.edgeCount;
    this.expanded = id + 1;
  }

  edge(to: number, label: number): void {
    const n = this.edgeCount;
    if (n === this.targets.length) {
      this.targets = grow32(this.targets, n + 1);
      const l = new Uint16Array(this.targets.length);
      l.set(this.labels);
      this.labels = l;
    }
    this.targets[n] = to;
    this.labels[n] = label;
    this.edgeCount = n + 1;
    this.offsets[this.expanded] = n + 1;
  }

  error(): void {
    this.errors[this.expanded - 1] = 1;
  }

  // --- queries ---------------------------------------------------------------------------

  /** No step at all from u (a deadlock or a valid end), and none faulted: a finite maximal run ends here. */
  isTerminal(u: number): boolean {
    return this.offsets[u] === this.offsets[u + 1] && this.errors[u] === 0;
  }

  /** bytes held by the arrays (allocated capacity) */
  get bytes(): number {
    return this.offsets.byteLength + this.errors.byteLength + this.targets.byteLength + this.labels.byteLength;
  }
}

function grow32(a: Int32Array, need: number): Int32Array<ArrayBuffer> {
  let cap = a.length;
  while (cap < need) cap *= 2;
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
