/**
 * Replaying a counterexample, as SPIN replays a trail: the search keeps for each state
 * only its parent and the index of the step that reached it; here the steps are run again
 * from the initial state with tracing on, and each one is turned into a TraceStep with
 * what the thread did, the values it read and wrote, the memory events in herd's
 * vocabulary (with reads-from, coherence order and the addr/data/ctrl dependencies followed
 * through registers), and the state change. A read that overtakes its thread's own
 * buffered stores says so, and a store leaving a buffer says when it was made, so a
 * weak-memory step reads as the reordering it is.
 */
import type { CompiledProgram } from '../compile.ts';
import {
  OP_ASSERT, OP_ASSIGN, OP_ATOMIC_BEGIN, OP_CHOOSE, OP_AWAIT_LOAD, OP_AWAIT_RMW, OP_BRANCH, OP_GUARD, OP_LOAD_EX, OP_RMW, OP_SELECT, OP_SKIP, OP_STORE_EX,
  type CompiledInstr,
} from '../compile.ts';
import type { FenceKind } from '../ir.ts';
import { FENCE_FULL, FENCE_ISB, FENCE_LD, type MemoryModel } from '../memory/model.ts';
import { Printer } from '../print.ts';
import type { Change, EventDependencies, MemoryEvent, StateEntry, Trace, TraceStep } from '../result.ts';
import { exprRegs } from '../validate.ts';
import { formatPosition } from '../source.ts';
import type { SearchOutcome, ViolationRecord } from './search.ts';
import { SuccessorGenerator, type StepTracer, type SuccessorSink } from './successors.ts';

type Raw =
  | { readonly e: 'instr'; readonly t: number; readonly pc: number }
  | { readonly e: 'read'; readonly t: number; readonly cell: number; readonly value: number; readonly source: 'memory' | 'buffer' }
  | { readonly e: 'write'; readonly t: number; readonly cell: number; readonly value: number; readonly visible: boolean }
  | { readonly e: 'commit'; readonly t: number; readonly cell: number; readonly value: number }
  | { readonly e: 'readMessage'; readonly t: number; readonly cell: number; readonly value: number; readonly ts: number; readonly forwarded: boolean }
  | { readonly e: 'promise'; readonly t: number; readonly cell: number; readonly value: number }
  | { readonly e: 'fulfil'; readonly t: number; readonly cell: number; readonly value: number; readonly ts: number }
  | { readonly e: 'renumber'; readonly map: Int32Array }
  | { readonly e: 'fence'; readonly t: number; readonly kind: number }
  | { readonly e: 'internal'; readonly t: number }
  | { readonly e: 'catchUp'; readonly t: number; readonly cell: number; readonly value: number };

class Recorder implements StepTracer {
  events: Raw[] = [];
  mark(): number { return this.events.length; }
  reset(m: number): void { this.events.length = m; }
  instr(t: number, pc: number): void { this.events.push({ e: 'instr', t, pc }); }
  read(t: number, cell: number, value: number, source: 'memory' | 'buffer'): void { this.events.push({ e: 'read', t, cell, value, source }); }
  write(t: number, cell: number, value: number, visible: boolean): void { this.events.push({ e: 'write', t, cell, value, visible }); }
  commit(t: number, cell: number, value: number): void { this.events.push({ e: 'commit', t, cell, value }); }
  readMessage(t: number, cell: number, value: number, ts: number, forwarded: boolean): void { this.events.push({ e: 'readMessage', t, cell, value, ts, forwarded }); }
  promise(t: number, cell: number, value: number): void { this.events.push({ e: 'promise', t, cell, value }); }
  fulfil(t: number, cell: number, value: number, ts: number): void { this.events.push({ e: 'fulfil', t, cell, value, ts }); }
  renumber(map: Int32Array): void { this.events.push({ e: 'renumber', map: map.slice() }); }
  fence(t: number, kind: number): void { this.events.push({ e: 'fence', t, kind }); }
  internal(t: number): void { this.events.push({ e: 'internal', t }); }
  catchUp(t: number, cell: number, value: number): void { this.events.push({ e: 'catchUp', t, cell, value }); }
}

/** Captures the k-th outcome of an expansion, with the events that produced it. */
class Capture implements SuccessorSink {
  private n = 0;
  state: (s: Int32Array) => void;
  violation: (s: Int32Array, property: number, message: string) => void;
  got: { state: Int32Array; events: Raw[]; violation: string | null } | null = null;
  constructor(k: number, rec: Recorder) {
    this.state = (s) => { if (this.n++ === k) this.got = { state: s.slice(), events: rec.events.slice(), violation: null }; };
    this.violation = (s, _p, message) => { if (this.n++ === k) this.got = { state: s.slice(), events: rec.events.slice(), violation: message }; };
  }
}

const FENCE_NAMES: readonly FenceKind[] = ['full', 'ld', 'st', 'isb'];

/** Names and values of every component of a state, for traces. */
export class StateNaming {
  readonly printer: Printer;
  constructor(readonly cp: CompiledProgram, readonly mm: MemoryModel) {
    this.printer = new Printer(cp.program);
  }

  entries(s: Int32Array): StateEntry[] {
    const { program, layout } = this.cp;
    const p = this.printer;
    const out: StateEntry[] = [];
    program.threads.forEach((t, ti) => {
      out.push({ name: `${t.name}.pc`, value: s[ti], text: p.position(t, s[ti]), component: 'pc', thread: t.name });
      t.regs.forEach((r, ri) => {
        const v = s[layout.regBase[ti] + ri];
        out.push({ name: `${t.name}.${r.name}`, value: v, text: p.named(v, r.values), component: 'register', thread: t.name });
      });
    });
    for (let c = 0; c < layout.cells; c++) {
      const v = s[layout.memBase + c];
      out.push({ name: p.cellName(c), value: v, text: p.cellValue(c, v), component: 'memory' });
    }
    for (let g = 0; g < layout.ghostCells; g++) {
      const gh = program.ghosts[layout.ghostLoc[g]];
      const v = s[layout.ghostBase + g];
      out.push({ name: `ghost ${gh.size === 1 ? gh.name : `${gh.name}[${layout.ghostIndex[g]}]`}`, value: v, text: p.named(v, gh.values), component: 'ghost' });
    }
    for (const d of this.mm.describe(s, { cell: (c) => p.cellName(c), value: (c, v) => p.cellValue(c, v), thread: (t) => program.threads[t].name })) {
      out.push({ name: d.name, value: null, text: d.value, component: 'memory-model' });
    }
    return out;
  }
}

function diff(a: readonly StateEntry[], b: readonly StateEntry[]): Change[] {
  const out: Change[] = [];
  for (let i = 0; i < b.length; i++) if (a[i].text !== b[i].text) out.push({ name: b[i].name, before: a[i].text, after: b[i].text, value: b[i].value });
  return out;
}

/**
 * Rebuilds the counterexample for violation `v` of a finished search: the path the search
 * reached it by, a shortest one when the search was breadth-first. `checked`
 * must be the property set the search ran with: asserts of unchecked properties pass, and
 * replaying them otherwise would change which step each recorded move index names.
 */
export function replay(cp: CompiledProgram, mm: MemoryModel, outcome: SearchOutcome, v: ViolationRecord, checked?: ReadonlySet<number>): Trace {
  const naming = new StateNaming(cp, mm);
  const p = naming.printer;
  const program = cp.program;
  const rec = new Recorder();
  const gen = new SuccessorGenerator(cp, mm, { checked });
  gen.tracer = rec;
  mm.tracer = rec;
  try {
    const moves = v.stateId >= 0 ? outcome.pathTo(v.stateId) : [];
    if (v.at === 'step') moves.push(v.move);
    // the initial state
    const init = new Capture(moves[0] ?? 0, rec);
    gen.initialStates(init);
    if (!init.got) throw new Error('replay: initial state not found');
    let cur = init.got.state;
    const initial = naming.entries(cur);
    let before = initial;
    const steps: TraceStep[] = [];
    const events: MemoryEvent[] = [];
    const ev = new EventBuilder(cp, p, events, mm.internalStep);
    let violationText = v.message;
    let stepViolation = false;
    for (let i = 1; i < moves.length; i++) {
      rec.reset(0);
      const cap = new Capture(moves[i], rec);
      gen.generate(cur, cap);
      if (!cap.got) throw new Error(`replay: step ${i} (move ${moves[i]}) not found`);
      const stepIndex = steps.length + 1;
      const step = ev.step(stepIndex, cap.got.events);
      cur = cap.got.state;
      const after = naming.entries(cur);
      steps.push({ ...step, changes: diff(before, after) });
      before = after;
      if (cap.got.violation !== null) { violationText = cap.got.violation; stepViolation = true; }
    }
    return {
      property: cp.properties[v.property].id,
      initial,
      steps,
      events,
      violation: violationText,
      final: before,
      violatingReads: stepViolation ? ev.readsOfLastInstruction() : ev.newestReads(),
      ...(outcome.order === 'depth-first' ? { order: outcome.order } : {}),
    };
  } finally {
    mm.tracer = null;
  }
}

/** A register's provenance: the reads (event ids) its value was computed from. */
type Taint = readonly number[];
const CLEAN: Taint = [];

function union(a: Taint, b: Taint): Taint {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/** A buffered store, until it becomes visible. */
interface Pending { readonly t: number; readonly cell: number; readonly id: number; readonly step: number }

/** Turns the raw events of each step into herd-style memory events and a readable action. */
class EventBuilder {
  private readonly lastVisible: (number | null)[];
  private readonly coCount: number[];
  private readonly pending: Pending[] = [];
  /**
   * The writes in visibility order, as models with a list of writes number them
   * (position 0 is the initial values): the event of each, for reads that name a position.
   */
  private messages: (number | null)[] = [null];
  private rmwCount = 0;
  /** by absolute register index: the reads its value came from */
  private readonly taint = new Map<number, Taint>();
  /** per thread: reads that branches since the thread's last event depended on */
  private readonly ctrlPending: Taint[];
  /** per thread: its newest read */
  private readonly newestRead: number[];
  private lastInstr: { readonly t: number; readonly ins: CompiledInstr } | null = null;

  constructor(private readonly cp: CompiledProgram, private readonly p: Printer, private readonly out: MemoryEvent[], private readonly internalStep: string) {
    this.lastVisible = new Array(cp.layout.cells).fill(null);
    this.coCount = new Array(cp.layout.cells).fill(0);
    const n = cp.threads.length;
    this.ctrlPending = new Array<Taint>(n).fill(CLEAN);
    this.newestRead = new Array<number>(n).fill(-1);
  }

  private taintOf(regs: Int32Array): Taint {
    let out = CLEAN;
    for (const r of regs) out = union(out, this.taint.get(r) ?? CLEAN);
    return out;
  }

  private addCtrl(t: number, reads: Taint): void {
    if (reads.length === 0) return;
    this.ctrlPending[t] = union(this.ctrlPending[t], reads);
  }

  /** The dependencies of an access by `ins`; the thread's pending control dependencies go to its first event after the branch. */
  private deps(t: number, ins: CompiledInstr, withData: boolean, takeCtrl: boolean): EventDependencies | undefined {
    const addr = this.taintOf(ins.depAddr);
    const data = withData ? this.taintOf(ins.depData) : CLEAN;
    const ctrl = takeCtrl ? this.ctrlPending[t] : CLEAN;
    if (takeCtrl) this.ctrlPending[t] = CLEAN;
    return addr.length + data.length + ctrl.length === 0 ? undefined : { addr, data, ctrl };
  }

  /** Reads behind a failed assertion's condition, or behind a faulting instruction's operands. */
  readsOfLastInstruction(): number[] {
    const last = this.lastInstr;
    if (last === null) return [];
    const { t, ins } = last;
    if (ins.op === OP_ASSERT && ins.ir.op === 'assert') {
      const base = this.cp.layout.regBase[t];
      return [...this.taintOf(Int32Array.from([...exprRegs(ins.ir.cond)], (r) => base + r))];
    }
    return [...union(union(this.taintOf(ins.depAddr), this.taintOf(ins.depData)), union(this.taintOf(ins.depSources), this.taintOf(ins.depCtrl)))];
  }

  /**
   * For a deadlock or an invariant, which no single instruction decides: each thread's
   * newest read, the last thing it learnt from memory before it stopped or moved on.
   */
  newestReads(): number[] {
    return this.newestRead.filter((r) => r >= 0).sort((a, b) => a - b);
  }

  /** "ahead of its buffered store x := 1 (step 3)": what a read from memory overtakes. */
  private overtaken(t: number): string {
    const mine = this.pending.filter((q) => q.t === t);
    if (mine.length === 0) return '';
    const shown = mine.slice(0, 3).map((q) => `${this.out[q.id].location} := ${this.out[q.id].valueText} of step ${q.step}`);
    const more = mine.length > 3 ? ` and ${mine.length - 3} more` : '';
    return ` (reordered before its buffered store${mine.length > 1 ? 's' : ''} ${shown.join(', ')}${more}, not yet visible)`;
  }

  step(index: number, raw: readonly Raw[]): Omit<TraceStep, 'changes'> {
    const internal = raw.find((r) => r.e === 'internal');
    const first = raw.find((r) => r.e === 'instr' || r.e === 'internal');
    const t = first ? first.t : 0;
    const th = this.cp.program.threads[t];
    const ids: number[] = [];
    /** one group per visible instruction: its note and what it did */
    const groups: { note: string | null; what: string[] }[] = [];
    let group: { note: string | null; what: string[] } = { note: null, what: [] };
    let source: string | null = null;
    let instrText = '';
    let rmwId: number | undefined;
    let rmwRead: MemoryEvent | null = null;
    let current: CompiledInstr | null = null;
    let inAtomic = false;

    const push = (e: MemoryEvent): void => { this.out.push(e); ids.push(e.id); };
    /** a store-exclusive that has not written (yet): if nothing follows, it failed */
    let storeEx = false;
    const closeRmw = (): void => {
      if (rmwRead) group.what.push(`rmw ${rmwRead.location}: read ${rmwRead.valueText}, no write`);
      rmwRead = null;
      if (storeEx) group.what.push('store-exclusive fails (status 1), nothing written');
      storeEx = false;
    };
    for (const r of raw) {
      switch (r.e) {
        case 'instr': {
          const ins = this.cp.threads[r.t].code[r.pc];
          this.lastInstr = { t: r.t, ins };
          closeRmw();
          current = ins;
          instrText = this.p.instr(ins.ir, this.cp.program.threads[r.t]);
          rmwId = ins.op === OP_RMW || ins.op === OP_AWAIT_RMW ? ++this.rmwCount : undefined;
          storeEx = ins.op === OP_STORE_EX;
          if (ins.op === OP_ATOMIC_BEGIN) inAtomic = true;
          if (ins.op === OP_ASSIGN && ins.dst >= 0) this.taint.set(ins.dst, this.taintOf(ins.depSources));
          // a store-exclusive's status and a nondeterministic choice come from no read
          if ((ins.op === OP_STORE_EX || ins.op === OP_CHOOSE) && ins.dst >= 0) this.taint.set(ins.dst, CLEAN);
          if (ins.op === OP_BRANCH || ins.op === OP_GUARD) this.addCtrl(r.t, this.taintOf(ins.depCtrl));
          if (ins.visible && ins.op !== OP_SELECT && (!inAtomic || ins.op === OP_ATOMIC_BEGIN)) {
            if (source === null) source = formatPosition(ins.ir.src);
            group = { note: ins.ir.note ?? null, what: [] };
            groups.push(group);
            if (ins.op === OP_ATOMIC_BEGIN) group.what.push('atomically');
            if (ins.op === OP_SKIP) group.what.push('skip');
          }
          break;
        }
        case 'read':
        case 'readMessage': {
          const readSource = r.e === 'read' ? r.source : r.forwarded ? 'buffer' : 'memory';
          const rf = r.e === 'readMessage' ? (r.ts === 0 ? null : this.messages[r.ts] ?? null)
            : r.source === 'buffer' ? this.newestPending(r.t, r.cell) : this.lastVisible[r.cell];
          const id = this.out.length;
          const deps = current ? this.deps(r.t, current, false, true) : undefined;
          const e: MemoryEvent = {
            id, step: index, thread: th.name, kind: 'R', location: this.p.cellName(r.cell), value: r.value,
            valueText: this.p.cellValue(r.cell, r.value), instruction: instrText, rf, source: readSource,
            ...(rmwId !== undefined ? { rmw: rmwId } : {}),
            ...(deps ? { deps } : {}),
          };
          const overtakes = r.e === 'read' && r.source === 'memory' ? this.overtaken(r.t) : '';
          push(e);
          this.newestRead[r.t] = id;
          if (current && current.dst >= 0) this.taint.set(current.dst, [id]);
          // an await proceeds only on the values its condition accepts: a branch on this read
          if (current && (current.op === OP_AWAIT_LOAD || current.op === OP_AWAIT_RMW)) this.addCtrl(r.t, [id]);
          if (rmwId !== undefined) { rmwRead = e; break; }
          const verb = current?.op === OP_AWAIT_LOAD ? 'await' : current?.op === OP_LOAD_EX ? 'load-exclusive' : 'load';
          const how = r.e === 'read'
            ? (r.source === 'buffer' ? ' (forwarded from its own store buffer)' : overtakes)
            : this.readNote(r.cell, r.ts, rf, r.forwarded);
          group.what.push(`${verb} ${e.location} → ${e.valueText}${how}`);
          break;
        }
        case 'promise': {
          const id = this.out.length;
          push({
            id, step: index, thread: th.name, kind: 'W', location: this.p.cellName(r.cell), value: r.value,
            valueText: this.p.cellValue(r.cell, r.value), instruction: '(promised, not yet executed)',
            visibleAt: index, co: this.coCount[r.cell]++, unexecuted: true,
          });
          this.lastVisible[r.cell] = id;
          this.messages.push(id);
          group.what.push(`promises ${this.p.cellName(r.cell)} := ${this.p.cellValue(r.cell, r.value)}: visible to every thread now, executed later`);
          if (groups.length === 0) groups.push(group);
          break;
        }
        case 'fulfil': {
          const id = this.messages[r.ts];
          if (id === null || id === undefined) break;
          const promisedAt = this.out[id].step;
          // the write's dependencies are those of the instruction that executes it
          const deps = current ? this.deps(r.t, current, true, rmwRead === null) : undefined;
          const { unexecuted: _promised, ...promised } = this.out[id];
          this.out[id] = {
            ...promised, step: index, instruction: instrText,
            ...(rmwId !== undefined ? { rmw: rmwId } : {}),
            ...(deps ? { deps } : {}),
          };
          ids.push(id);
          const what = `${this.p.cellName(r.cell)} := ${this.p.cellValue(r.cell, r.value)} (fulfils its promise of step ${promisedAt})`;
          if (rmwRead && rmwRead.rmw === rmwId) {
            group.what.push(`rmw ${rmwRead.location}: ${rmwRead.valueText} → ${this.p.cellValue(r.cell, r.value)} (the write fulfils its promise of step ${promisedAt})`);
            rmwRead = null;
          } else {
            group.what.push(`store ${what}`);
          }
          break;
        }
        case 'renumber': {
          const next: (number | null)[] = [null];
          for (let i = 1; i < this.messages.length && i < r.map.length; i++) if (r.map[i] > 0) next[r.map[i]] = this.messages[i];
          this.messages = next;
          break;
        }
        case 'write': {
          const id = this.out.length;
          const deps = current ? this.deps(r.t, current, true, rmwRead === null) : undefined;
          const e: MemoryEvent = {
            id, step: index, thread: th.name, kind: 'W', location: this.p.cellName(r.cell), value: r.value,
            valueText: this.p.cellValue(r.cell, r.value), instruction: instrText,
            visibleAt: r.visible ? index : null, co: r.visible ? this.coCount[r.cell]++ : null,
            ...(rmwId !== undefined ? { rmw: rmwId } : {}),
            ...(deps ? { deps } : {}),
          };
          push(e);
          if (r.visible) { this.lastVisible[r.cell] = id; this.messages.push(id); }
          else this.pending.push({ t: r.t, cell: r.cell, id, step: index });
          if (rmwRead && rmwRead.rmw === rmwId) {
            group.what.push(`rmw ${e.location}: ${rmwRead.valueText} → ${e.valueText}`);
            rmwRead = null;
          } else {
            const verb = storeEx ? 'store-exclusive succeeds (status 0):' : 'store';
            storeEx = false;
            group.what.push(`${verb} ${e.location} := ${e.valueText}${r.visible ? '' : ' (into its store buffer)'}`);
          }
          break;
        }
        case 'commit': {
          const k = this.pending.findIndex((q) => q.t === r.t && q.cell === r.cell);
          let made = '';
          if (k >= 0) {
            const { id, step } = this.pending[k];
            this.pending.splice(k, 1);
            this.out[id] = { ...this.out[id], visibleAt: index, co: this.coCount[r.cell]++ };
            this.lastVisible[r.cell] = id;
            this.messages.push(id);
            ids.push(id);
            made = ` (stored at step ${step})`;
          }
          group.what.push(`${this.p.cellName(r.cell)} := ${this.p.cellValue(r.cell, r.value)} leaves ${this.cp.program.threads[r.t].name}'s store buffer and becomes visible${made}`);
          if (groups.length === 0) groups.push(group);
          break;
        }
        case 'fence': {
          const kind = FENCE_NAMES[r.kind] ?? 'full';
          const deps = current ? this.deps(r.t, current, false, true) : undefined;
          push({
            id: this.out.length, step: index, thread: th.name, kind: 'F', location: '', value: 0, valueText: '', instruction: instrText, fence: kind,
            ...(deps ? { deps } : {}),
          });
          group.what.push(`fence ${kind}${r.kind === FENCE_FULL ? '' : r.kind === FENCE_LD ? ' (orders R→R, R→W)' : r.kind === FENCE_ISB ? ' (instruction barrier)' : ' (orders W→W)'}`);
          break;
        }
        case 'internal':
          break;
        case 'catchUp':
          group.what.push(`its reads of ${this.p.cellName(r.cell)} take the newest write (${this.p.cellValue(r.cell, r.value)}) from now on`);
          if (groups.length === 0) groups.push(group);
          break;
      }
    }
    closeRmw();
    const action = groups
      .map((g) => (g.note ? `${g.note}${g.what.length ? ` — ${g.what.join(', ')}` : ''}` : g.what.join(', ')))
      .filter((x) => x.length > 0)
      .join('; ');
    return {
      index,
      thread: th.name,
      actor: internal ? `${th.actor}: ${raw.some((r) => r.e === 'catchUp') ? 'catches up' : this.internalStep}` : th.actor,
      kind: internal ? 'memory' : 'thread',
      action,
      source,
      events: ids,
    };
  }

  /** How a read from a list of writes is explained: which write, if not the newest. */
  private readNote(cell: number, ts: number, rf: number | null, forwarded: boolean): string {
    if (forwarded) return ' (its own write, read before it is ordered)';
    const newest = this.lastVisible[cell];
    if (rf === newest) return '';
    const from = rf === null ? 'the initial value' : `the write of step ${this.out[rf].step}`;
    return ` (${from}; not the newest write: that is step ${newest === null ? '?' : this.out[newest].step}'s)`;
  }

  private newestPending(t: number, cell: number): number | null {
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i].t === t && this.pending[i].cell === cell) return this.pending[i].id;
    return this.lastVisible[cell];
  }
}
