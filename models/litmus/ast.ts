/**
 * What a litmus file says, before any architecture gives its instructions a meaning: the
 * parts herd's splitter cuts a test into, the init block's entries and the final
 * condition. The program part stays text here; each architecture's front end
 * (arch/x86.ts, arch/aarch64.ts, linux-c.ts) reads it.
 */

export type Arch = 'X86' | 'X86_64' | 'AArch64' | 'C';
export const ARCHES: readonly Arch[] = ['X86', 'X86_64', 'AArch64', 'C'];

/** A part of the file's text, with the (1-based) line its first character is on. */
export interface Section {
  readonly text: string;
  readonly line: number;
}

/** `Key=value` metadata between the header and the init block (Cycle, Relax, Hash, ...). */
export interface MetaEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export interface SplitTest {
  readonly file: string;
  readonly arch: Arch;
  readonly name: string;
  readonly headerLine: number;
  /** the quoted string on the line after the header, if any */
  readonly doc: string | null;
  readonly meta: readonly MetaEntry[];
  /** inside the braces, OCaml comments blanked */
  readonly init: Section;
  /** the thread table (asm) or the thread functions (C), comments of the language blanked */
  readonly program: Section;
  /** `locations`, the quantifier and the proposition, OCaml comments blanked */
  readonly condition: Section;
}

/** A value in the init block or a condition: an integer, or the address of a location. */
export type Value =
  | { readonly k: 'int'; readonly v: number }
  | { readonly k: 'addr'; readonly loc: string };

/** Something a test gives an initial value or observes at the end. */
export type StateRef =
  | { readonly k: 'reg'; readonly thread: number; readonly reg: string }
  | { readonly k: 'loc'; readonly name: string };

export type InitTarget =
  | StateRef
  /** herd's symbolic registers, `%y0=y`: each thread that names one gets its own copy */
  | { readonly k: 'sym'; readonly reg: string };

export interface InitEntry {
  readonly target: InitTarget;
  /** null for a declaration without a value (`uint64_t x;`, `atomic_t z;`): zero */
  readonly value: Value | null;
  /** the declared C type, when there is one (`int`, `int*`, `uint64_t`, `atomic_t`) */
  readonly type: string | null;
  readonly line: number;
}

export type Prop =
  | { readonly k: 'const'; readonly v: boolean }
  | { readonly k: 'eq'; readonly ref: StateRef; readonly value: Value; readonly line: number }
  | { readonly k: 'not'; readonly a: Prop }
  | { readonly k: 'and'; readonly a: Prop; readonly b: Prop }
  | { readonly k: 'or'; readonly a: Prop; readonly b: Prop };

/**
 * herd's quantifiers. Whatever the quantifier, herd's Observation line (and xenmc's
 * Allowed/Forbidden) says whether some final state the model allows satisfies the
 * proposition; `~exists P` expects that none does, `forall P` that all do.
 */
export type Quantifier = 'exists' | '~exists' | 'forall';

export interface Condition {
  readonly quantifier: Quantifier;
  readonly prop: Prop;
  /** the `locations [...]` line: more state to show in the final states */
  readonly locations: readonly StateRef[];
  readonly line: number;
}

/** Every state reference a condition names, in order of first appearance, locations first. */
export function observed(c: Condition): StateRef[] {
  const out: StateRef[] = [];
  const key = (r: StateRef): string => (r.k === 'reg' ? `${r.thread}:${r.reg}` : r.name);
  const seen = new Set<string>();
  const add = (r: StateRef): void => {
    if (!seen.has(key(r))) { seen.add(key(r)); out.push(r); }
  };
  c.locations.forEach(add);
  const walk = (p: Prop): void => {
    switch (p.k) {
      case 'eq': add(p.ref); break;
      case 'not': walk(p.a); break;
      case 'and': case 'or': walk(p.a); walk(p.b); break;
      case 'const': break;
    }
  };
  walk(c.prop);
  return out;
}

export const refName = (r: StateRef): string => (r.k === 'reg' ? `${r.thread}:${r.reg}` : r.name);

export function valueText(v: Value): string {
  return v.k === 'int' ? String(v.v) : v.loc;
}

/** The proposition as herd prints it: `0:X0=1 /\ ~(x=2)`. */
export function propText(p: Prop): string {
  const inner = (q: Prop, parent: 'and' | 'or' | 'not'): string => {
    const s = propText(q);
    return (q.k === 'and' || q.k === 'or') && q.k !== parent ? `(${s})` : s;
  };
  switch (p.k) {
    case 'const': return p.v ? 'true' : 'false';
    case 'eq': return `${refName(p.ref)}=${valueText(p.value)}`;
    case 'not': return `~${p.a.k === 'eq' || p.a.k === 'const' ? propText(p.a) : `(${propText(p.a)})`}`;
    case 'and': return `${inner(p.a, 'and')} /\\ ${inner(p.b, 'and')}`;
    case 'or': return `${inner(p.a, 'or')} \\/ ${inner(p.b, 'or')}`;
  }
}

export const conditionText = (c: Condition): string => `${c.quantifier} (${propText(c.prop)})`;
