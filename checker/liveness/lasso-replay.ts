/**
 * Turning a lasso over state numbers into a Trace, with the same replay as safety
 * counterexamples (checker/explore/replay.ts): each edge of the lasso is turned into the
 * index of the outcome ("move") that takes it, by generating the successors of its source
 * state and matching the target state and the edge's label; the moves are then replayed
 * from the initial state with tracing on, which gives every step its action, source line,
 * memory events and state changes. The loop is marked on the Trace (`loop`).
 *
 * Moves are numbered as replay.ts numbers them: a generator with every property checked,
 * counting failed assertions as outcomes, over the same CompiledProgram (whose
 * `assertions` mode the search used too).
 */
import type { CompiledProgram } from '../compile.ts';
import type { MemoryModel } from '../memory/model.ts';
import type { Trace } from '../result.ts';
import type { ExactStateSet } from '../explore/exact.ts';
import { replay } from '../explore/replay.ts';
import type { SearchOutcome } from '../explore/search.ts';
import { SuccessorGenerator, type SuccessorSink } from '../explore/successors.ts';
import type { Path } from './lasso.ts';

/** Finds the index of the outcome that reaches a given state by a given label. */
class MoveFinder implements SuccessorSink {
  private n = 0;
  found = -1;
  private src: Int32Array = new Int32Array(0);
  private target = -1;
  private label = -1;

  constructor(private readonly gen: SuccessorGenerator, private readonly exact: ExactStateSet) {}

  find(src: Int32Array | null, target: number, label: number): number {
    this.n = 0;
    this.found = -1;
    this.target = target;
    this.label = label;
    if (src === null) {
      this.gen.initialStates(this);
    } else {
      this.src = src;
      this.gen.generate(src, this);
    }
    return this.found;
  }

  state(s: Int32Array, actor: number): void {
    const k = this.n++;
    if (this.found >= 0 || !this.exact.is(this.target, s)) return;
    if (this.label >= 0 && this.gen.stepLabel(this.src, actor) !== this.label) return;
    this.found = k;
  }

  violation(): void {
    this.n++;
  }
}

/**
 * The Trace of `path` (states[0] an initial state) for property `property`, with `loop` the
 * index in path.states where the loop starts (path ends back there), or null for a run
 * that stops. `violation` is the text the trace ends with.
 */
export function replayLasso(
  cp: CompiledProgram, mm: MemoryModel, exact: ExactStateSet, outcome: SearchOutcome,
  path: Path, loop: number | null, property: number, violation: string,
): Trace {
  const gen = new SuccessorGenerator(cp, mm);
  const finder = new MoveFinder(gen, exact);
  const moves: number[] = [];
  const first = finder.find(null, path.states[0], -1);
  if (first < 0) throw new Error(`lasso replay: state ${path.states[0]} is not an initial state`);
  moves.push(first);
  const vec = new Int32Array(exact.width);
  for (let i = 0; i < path.labels.length; i++) {
    exact.get(path.states[i], vec);
    const k = finder.find(vec, path.states[i + 1], path.labels[i]);
    if (k < 0) throw new Error(`lasso replay: no step with label ${path.labels[i]} from state ${path.states[i]} to state ${path.states[i + 1]}`);
    moves.push(k);
  }
  const trace = replay(cp, mm, { ...outcome, pathTo: () => moves.slice() }, {
    property, at: 'state', stateId: path.states[path.states.length - 1], move: -1, length: path.labels.length, message: violation,
  });
  return loop === null ? trace : { ...trace, loop };
}
