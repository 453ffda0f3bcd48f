/**
 * A small tokenizer shared by the init-block, condition and C parsers: identifiers (with
 * herd's `%` for symbolic registers), integers (decimal or hex), and the punctuators the
 * caller lists, longest first. Comments are blanked before text gets here.
 */
import { syntaxError } from './errors.ts';

export type TokenKind = 'ident' | 'num' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly line: number;
  readonly col: number;
}

export function tokenize(text: string, file: string, firstLine: number, puncts: readonly string[]): Token[] {
  const sorted = [...puncts].sort((a, b) => b.length - a.length);
  const out: Token[] = [];
  let line = firstLine;
  let col = 1;
  let i = 0;
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (text[i] === '\n') { line++; col = 1; } else col++;
      i++;
    }
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { advance(1); continue; }
    const rest = text.slice(i);
    const ident = /^%?[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) { out.push({ kind: 'ident', text: ident[0], line, col }); advance(ident[0].length); continue; }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(rest);
    if (num) { out.push({ kind: 'num', text: num[0], line, col }); advance(num[0].length); continue; }
    const p = sorted.find((q) => rest.startsWith(q));
    if (p) { out.push({ kind: 'punct', text: p, line, col }); advance(p.length); continue; }
    throw syntaxError({ file, line }, `unexpected character '${c}'`);
  }
  // "found the end" is reported on the last line with text, not on the empty one after it
  const last = out[out.length - 1];
  out.push({ kind: 'eof', text: '', line: last ? last.line : firstLine, col });
  return out;
}

/** A cursor over tokens with the usual peek/expect helpers; errors name the file and line. */
export class TokenStream {
  private i = 0;
  constructor(private readonly tokens: readonly Token[], readonly file: string) {}

  peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  is(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind !== 'eof' && t.text === text;
  }

  accept(text: string): boolean {
    if (this.is(text)) { this.next(); return true; }
    return false;
  }

  expect(text: string, what = `'${text}'`): Token {
    const t = this.peek();
    if (t.kind === 'eof' || t.text !== text) throw this.error(`expected ${what}, found ${describe(t)}`);
    return this.next();
  }

  ident(what = 'a name'): Token {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.error(`expected ${what}, found ${describe(t)}`);
    return this.next();
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  error(message: string, t: Token = this.peek()) {
    return syntaxError({ file: this.file, line: t.line }, message);
  }
}

export const describe = (t: Token): string => (t.kind === 'eof' ? 'the end' : `'${t.text}'`);

/** An integer literal (decimal or hex) as a 32-bit value; larger ones do not fit xenmc's 32-bit values. */
export function intValue(text: string): number | null {
  const v = text.startsWith('0x') || text.startsWith('0X') ? parseInt(text.slice(2), 16) : parseInt(text, 10);
  if (!Number.isFinite(v) || v > 0x7fffffff) return null;
  return v | 0;
}
