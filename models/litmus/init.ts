/**
 * The init block: `;`-separated entries giving registers and locations their initial
 * values. Assembly tests write `0:X1=x` (a register holding the address of x), `x=1`,
 * `1:X2=-1`, `%y0=y` (a symbolic register) and `uint64_t x;`; C tests write declarations,
 * `int x = 1;`, `int *p = &y;`, `atomic_t z;`. A bare location name as a value is its
 * address, as `&y` is.
 */
import type { InitEntry, InitTarget, Section, Value } from './ast.ts';
import { unsupported } from './errors.ts';
import { intValue, tokenize, TokenStream } from './tokens.ts';

const PUNCTS = [':', '=', ';', '*', '&', '-', '$'];

/** C types whose values xenmc represents (32-bit integers and pointers); smaller or wider ones would need mixed-size accesses. */
export const SUPPORTED_TYPES = ['int', 'long', 'unsigned', 'uint64_t', 'int64_t', 'uint32_t', 'int32_t', 'intptr_t', 'uintptr_t', 'atomic_t', 'spinlock_t'];

export function parseInit(section: Section, file: string): InitEntry[] {
  const ts = new TokenStream(tokenize(section.text, file, section.line, PUNCTS), file);
  const out: InitEntry[] = [];
  while (!ts.atEnd()) {
    if (ts.accept(';')) continue;
    out.push(entry(ts, file));
    if (!ts.atEnd()) ts.expect(';', "';' between init entries");
  }
  return out;
}

function entry(ts: TokenStream, file: string): InitEntry {
  const line = ts.peek().line;
  // An optional type (`uint64_t`, `int *`), then a register `N:reg`, a symbolic register or a location.
  const words: string[] = [];
  let stars = '';
  let target: InitTarget | null = null;
  while (target === null) {
    const t = ts.peek();
    if (t.kind === 'num' && ts.is(':', 1)) {
      ts.next();
      ts.next();
      target = { k: 'reg', thread: Number(t.text), reg: ts.ident('a register').text };
    } else if (ts.accept('*')) {
      stars += '*';
    } else if (t.kind === 'ident') {
      ts.next();
      const more = ts.peek().kind === 'ident' || ts.is('*') || (ts.peek().kind === 'num' && ts.is(':', 1));
      if (more) words.push(t.text);
      else target = t.text.startsWith('%') ? { k: 'sym', reg: t.text } : { k: 'loc', name: t.text };
    } else {
      throw ts.error(`expected a register or location to initialise`);
    }
  }
  let type: string | null = null;
  if (words.length > 0 || stars) {
    const base = words.join(' ');
    if (stars === '' && !words.every((w) => SUPPORTED_TYPES.includes(w))) {
      const name = target.k === 'reg' ? `${target.thread}:${target.reg}` : target.k === 'sym' ? target.reg : target.name;
      throw unsupported({ file, line }, `unsupported type '${base}' for '${name}' (supported: ${SUPPORTED_TYPES.join(', ')}, and pointers)`);
    }
    type = `${base}${stars}`;
  }
  let value: Value | null = null;
  if (ts.accept('=')) value = initValue(ts, file);
  return { target, value, type, line };
}

function initValue(ts: TokenStream, file: string): Value {
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
