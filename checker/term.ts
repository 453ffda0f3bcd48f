/**
 * Terms: the expression side of the builder API. A Term wraps an IR `Expr` and offers
 * the operators as methods, so a model reads `s.eq(READY)` or `and(a.ne(0), b.lt(4))`.
 * Plain numbers and booleans are accepted wherever a term is.
 */
import type { BinaryOp, Expr, UnaryOp } from './ir.ts';

export type Operand = number | boolean | Term;

export class Term {
  constructor(readonly expr: Expr) {}

  add(b: Operand): Term { return bin('add', this, b); }
  sub(b: Operand): Term { return bin('sub', this, b); }
  mul(b: Operand): Term { return bin('mul', this, b); }
  div(b: Operand): Term { return bin('div', this, b); }
  mod(b: Operand): Term { return bin('mod', this, b); }
  and(b: Operand): Term { return bin('and', this, b); }
  or(b: Operand): Term { return bin('or', this, b); }
  xor(b: Operand): Term { return bin('xor', this, b); }
  shl(b: Operand): Term { return bin('shl', this, b); }
  shr(b: Operand): Term { return bin('shr', this, b); }
  eq(b: Operand): Term { return bin('eq', this, b); }
  ne(b: Operand): Term { return bin('ne', this, b); }
  lt(b: Operand): Term { return bin('lt', this, b); }
  le(b: Operand): Term { return bin('le', this, b); }
  gt(b: Operand): Term { return bin('gt', this, b); }
  ge(b: Operand): Term { return bin('ge', this, b); }
  /** unsigned comparisons, for ring indices that wrap */
  ltu(b: Operand): Term { return bin('ltu', this, b); }
  leu(b: Operand): Term { return bin('leu', this, b); }
  not(): Term { return un('not', this); }
  neg(): Term { return un('neg', this); }
  bitnot(): Term { return un('bitnot', this); }
  /** bit `n` of this value, as 0 or 1 */
  bit(n: Operand): Term { return bin('and', bin('shr', this, n), 1); }
}

export function toExpr(v: Operand): Expr {
  if (v instanceof Term) return v.expr;
  if (typeof v === 'boolean') return { k: 'const', v: v ? 1 : 0 };
  if (!Number.isInteger(v)) throw new TypeError(`not an integer: ${v}`);
  return { k: 'const', v: v | 0 };
}

export const term = (v: Operand): Term => (v instanceof Term ? v : new Term(toExpr(v)));

function bin(op: BinaryOp, a: Operand, b: Operand): Term {
  return new Term({ k: 'bin', op, a: toExpr(a), b: toExpr(b) });
}

function un(op: UnaryOp, a: Operand): Term {
  return new Term({ k: 'un', op, a: toExpr(a) });
}

export const eq = (a: Operand, b: Operand): Term => bin('eq', a, b);
export const ne = (a: Operand, b: Operand): Term => bin('ne', a, b);
export const lt = (a: Operand, b: Operand): Term => bin('lt', a, b);
export const le = (a: Operand, b: Operand): Term => bin('le', a, b);
export const gt = (a: Operand, b: Operand): Term => bin('gt', a, b);
export const ge = (a: Operand, b: Operand): Term => bin('ge', a, b);
export const add = (a: Operand, b: Operand): Term => bin('add', a, b);
export const sub = (a: Operand, b: Operand): Term => bin('sub', a, b);
export const mul = (a: Operand, b: Operand): Term => bin('mul', a, b);
export const mod = (a: Operand, b: Operand): Term => bin('mod', a, b);
export const not = (a: Operand): Term => un('not', a);

/** logical and / or of any number of conditions (true / false when empty) */
export function and(...xs: Operand[]): Term {
  if (xs.length === 0) return term(true);
  return xs.slice(1).reduce<Term>((acc, x) => bin('land', acc, x), term(xs[0]));
}

export function or(...xs: Operand[]): Term {
  if (xs.length === 0) return term(false);
  return xs.slice(1).reduce<Term>((acc, x) => bin('lor', acc, x), term(xs[0]));
}

export const ite = (c: Operand, a: Operand, b: Operand): Term =>
  new Term({ k: 'ite', c: toExpr(c), a: toExpr(a), b: toExpr(b) });
