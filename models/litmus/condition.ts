/**
 * The final condition, in herd's grammar:
 *
 *   condition   ::= [ 'locations' '[' ref (';' ref)* [';'] ']' ] quantifier prop
 *   quantifier  ::= 'exists' | '~exists' | 'forall'
 *   prop        ::= conj ('\/' conj)*          conj ::= unary ('/\' unary)*
 *   unary       ::= ('~' | 'not') unary | '(' prop ')' | 'true' | 'false' | ref '=' value
 *   ref         ::= N ':' register | location           value ::= ['-'] N | location
 *
 * herd's `filter` and `cases`, implication and the other quantifiers are reported as
 * unsupported rather than misread.
 */
import type { Condition, Prop, Quantifier, Section, StateRef, Value } from './ast.ts';
import { unsupported } from './errors.ts';
import { intValue, tokenize, TokenStream } from './tokens.ts';

const PUNCTS = ['/\\', '\\/', '=>', '!=', '==', '~', '(', ')', '=', ':', ';', '[', ']', '-', '&', '*', '$'];

export function parseCondition(section: Section, file: string): Condition {
  const ts = new TokenStream(tokenize(section.text, file, section.line, PUNCTS), file);
  const locations: StateRef[] = [];
  if (ts.accept('locations')) {
    ts.expect('[', "'[' after locations");
    while (!ts.is(']')) {
      if (ts.accept(';')) continue;
      locations.push(ref(ts));
    }
    ts.expect(']');
  }
  const q = ts.peek();
  if (q.text === 'filter' || q.text === 'cases' || q.text === 'observed' || q.text === 'final') {
    throw unsupported({ file, line: q.line }, `unsupported condition '${q.text}' (supported: exists, ~exists, forall, with locations [...])`);
  }
  let quantifier: Quantifier;
  if (ts.accept('exists')) quantifier = 'exists';
  else if (ts.accept('forall')) quantifier = 'forall';
  else if (ts.is('~') && ts.is('exists', 1)) { ts.next(); ts.next(); quantifier = '~exists'; }
  else throw ts.error(`expected exists, ~exists or forall`);
  const prop = disjunction(ts, file);
  while (ts.accept(';')) { /* a trailing ';' after the condition, as some tests write */ }
  if (!ts.atEnd()) throw ts.error(`unexpected '${ts.peek().text}' after the condition`);
  return { quantifier, prop, locations, line: q.line };
}

function disjunction(ts: TokenStream, file: string): Prop {
  let p = conjunction(ts, file);
  while (ts.accept('\\/')) p = { k: 'or', a: p, b: conjunction(ts, file) };
  return p;
}

function conjunction(ts: TokenStream, file: string): Prop {
  let p = unary(ts, file);
  while (ts.accept('/\\')) p = { k: 'and', a: p, b: unary(ts, file) };
  if (ts.is('=>')) throw unsupported({ file, line: ts.peek().line }, `unsupported '=>' in a condition (supported: /\\, \\/, ~, not, parentheses)`);
  return p;
}

function unary(ts: TokenStream, file: string): Prop {
  if (ts.accept('~') || ts.accept('not')) return { k: 'not', a: unary(ts, file) };
  if (ts.accept('(')) {
    const p = disjunction(ts, file);
    ts.expect(')', "')'");
    return p;
  }
  if (ts.accept('true')) return { k: 'const', v: true };
  if (ts.accept('false')) return { k: 'const', v: false };
  const line = ts.peek().line;
  const r = ref(ts);
  if (ts.is('!=')) {
    ts.next();
    return { k: 'not', a: { k: 'eq', ref: r, value: value(ts, file), line } };
  }
  if (!ts.accept('=') && !ts.accept('==')) throw ts.error(`expected '=' after ${r.k === 'reg' ? `${r.thread}:${r.reg}` : r.name}`);
  return { k: 'eq', ref: r, value: value(ts, file), line };
}

function ref(ts: TokenStream): StateRef {
  const t = ts.peek();
  if (t.kind === 'num' && ts.is(':', 1)) {
    ts.next();
    ts.next();
    return { k: 'reg', thread: Number(t.text), reg: ts.ident('a register').text };
  }
  if (ts.accept('[')) {
    // `[x]`: the contents of location x, as herd also writes it
    const name = ts.ident('a location').text;
    ts.expect(']', "']'");
    return { k: 'loc', name };
  }
  ts.accept('*');
  return { k: 'loc', name: ts.ident('a register (N:reg) or a location').text };
}

function value(ts: TokenStream, file: string): Value {
  ts.accept('$');
  const neg = ts.accept('-');
  const t = ts.peek();
  if (t.kind === 'num') {
    ts.next();
    const v = intValue(t.text);
    if (v === null) throw unsupported({ file, line: t.line }, `value ${t.text} does not fit in 32 bits (xenmc's values are 32-bit)`);
    return { k: 'int', v: neg ? -v | 0 : v };
  }
  if (neg) throw ts.error('expected a number after -');
  ts.accept('&');
  return { k: 'addr', loc: ts.ident('a value (a number or a location)').text };
}
