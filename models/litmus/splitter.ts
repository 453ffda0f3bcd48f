/**
 * Cuts a litmus file into its parts, as herd's splitter does: the header line
 * (`ARCH name`), an optional quoted doc string and `Key=value` metadata, the init block
 * `{ ... }`, the program (a thread table for assembly, thread functions for C) and the
 * final condition (`locations [...]`, then `exists`/`~exists`/`forall` and a proposition).
 *
 * OCaml comments `(* ... *)` (nested) may stand anywhere in assembly tests. In C tests the
 * program part has C comments instead, and `(*` is ordinary C there (`READ_ONCE(*x)`), so
 * OCaml comments are blanked only in the header, the init block and the condition.
 * Blanking keeps every newline, so line numbers stay those of the file.
 */
import { ARCHES, type Arch, type MetaEntry, type Section, type SplitTest } from './ast.ts';
import { syntaxError, unsupported } from './errors.ts';

/** Blank `(* ... *)` comments (nested), keeping newlines; text inside double quotes is left alone. */
export function blankOcamlComments(text: string): string {
  const out = text.split('');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (depth === 0 && c === '"') { inString = !inString; continue; }
    if (inString) continue;
    if (c === '(' && text[i + 1] === '*') {
      depth++;
      out[i] = ' '; out[i + 1] = ' ';
      i++;
      continue;
    }
    if (depth > 0 && c === '*' && text[i + 1] === ')') {
      depth--;
      out[i] = ' '; out[i + 1] = ' ';
      i++;
      continue;
    }
    if (depth > 0 && c !== '\n') out[i] = ' ';
  }
  return out.join('');
}

/** Blank C comments (`// ...` and `/* ... *\/`), keeping newlines. */
export function blankCComments(text: string): string {
  const out = text.split('');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') out[i++] = ' ';
    } else if (text[i] === '/' && text[i + 1] === '*') {
      out[i] = ' '; out[i + 1] = ' ';
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] !== '\n') out[i] = ' ';
        i++;
      }
      if (i < text.length) { out[i] = ' '; out[i + 1] = ' '; i++; }
    }
  }
  return out.join('');
}

/** Where the final condition starts: a line opening with one of these. */
const CONDITION_START = /^(~\s*)?(exists|forall|final|locations|filter|observed|cases)\b/;

const lineAt = (text: string, index: number): number => {
  let n = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
};

export function splitTest(file: string, raw: string): SplitTest {
  const text = raw.replace(/\r\n?/g, '\n');
  const oc = blankOcamlComments(text);

  // The header: the first non-blank line, `ARCH name`.
  const first = /\S/.exec(oc);
  if (!first) throw syntaxError({ file, line: 1 }, 'empty file: expected a header line `ARCH name`');
  const headerStart = first.index;
  const headerEnd = oc.indexOf('\n', headerStart) < 0 ? oc.length : oc.indexOf('\n', headerStart);
  const headerLine = lineAt(text, headerStart);
  const header = oc.slice(headerStart, headerEnd).trim();
  const hm = /^(\S+)(?:\s+(.*))?$/.exec(header)!;
  const archWord = hm[1];
  const arch = ARCHES.find((a) => a.toLowerCase() === archWord.toLowerCase());
  if (!arch) {
    throw unsupported({ file, line: headerLine }, `unsupported architecture '${archWord}' (supported: ${ARCHES.join(', ')})`);
  }
  // herd reports a test named `T.litmus` in its header as `T`
  const name = (hm[2] ?? '').trim().replace(/\.litmus$/, '');
  if (name === '') throw syntaxError({ file, line: headerLine }, `the header needs a test name after '${archWord}'`);

  // Doc string and metadata up to the init block.
  const open = findOutsideStrings(oc, '{', headerEnd);
  if (open < 0) throw syntaxError({ file, line: headerLine }, 'no init block: expected `{ ... }` after the header');
  let doc: string | null = null;
  const meta: MetaEntry[] = [];
  const between = oc.slice(headerEnd, open);
  let lineNo = lineAt(text, headerEnd);
  for (const l of between.split('\n')) {
    const s = l.trim();
    if (s !== '') {
      const quoted = /^"([^"]*)"$/.exec(s);
      const kv = /^([A-Za-z][\w.-]*)\s*=\s*(.*)$/.exec(s);
      if (quoted && doc === null && meta.length === 0) doc = quoted[1];
      else if (kv) meta.push({ key: kv[1], value: kv[2].trim(), line: lineNo });
      else throw syntaxError({ file, line: lineNo }, `unexpected '${s}' before the init block (expected a quoted doc string or Key=value lines)`);
    }
    lineNo++;
  }

  const close = oc.indexOf('}', open + 1);
  if (close < 0) throw syntaxError({ file, line: lineAt(text, open) }, 'the init block is not closed by `}`');
  const init: Section = { text: oc.slice(open + 1, close), line: lineAt(text, open) };

  const restStart = close + 1;
  const restLine = lineAt(text, restStart);
  let program: Section;
  let condition: Section;
  if (arch === 'C') {
    const rest = blankCComments(text.slice(restStart));
    const at = conditionStart(rest, true);
    if (at < 0) throw syntaxError({ file, line: lastLine(text) }, 'no final condition (exists, ~exists or forall) after the thread functions');
    program = { text: rest.slice(0, at), line: restLine };
    condition = { text: blankOcamlComments(text.slice(restStart + at)), line: restLine + count(rest.slice(0, at), '\n') };
  } else {
    const rest = oc.slice(restStart);
    const at = conditionStart(rest, false);
    if (at < 0) throw syntaxError({ file, line: lastLine(text) }, 'no final condition (exists, ~exists or forall) after the program');
    program = { text: rest.slice(0, at), line: restLine };
    condition = { text: rest.slice(at), line: restLine + count(rest.slice(0, at), '\n') };
  }
  return { file, arch, name, headerLine, doc, meta, init, program, condition };
}

const count = (s: string, c: string): number => s.split(c).length - 1;

/** The last line with text on it: where a missing condition should have been. */
const lastLine = (text: string): number => count(text.trimEnd(), '\n') + 1;

/** Index of the first line that starts the condition (for C: outside any braces), or -1. */
function conditionStart(rest: string, braces: boolean): number {
  let depth = 0;
  let index = 0;
  for (const line of rest.split('\n')) {
    if (depth === 0 && CONDITION_START.test(line.trim())) return index + (line.length - line.trimStart().length);
    if (braces) for (const c of line) { if (c === '{') depth++; else if (c === '}') depth--; }
    index += line.length + 1;
  }
  return -1;
}

function findOutsideStrings(text: string, c: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '"') inString = !inString;
    else if (!inString && text[i] === c) return i;
  }
  return -1;
}
