/**
 * The thread table of an assembly test: rows ending in `;`, cells separated by `|`, the
 * first row naming the threads `P0 | P1 | ...`. A cell may be empty, hold one
 * instruction, or a label alone (`Exit1:`).
 */
import type { Section } from './ast.ts';
import { syntaxError } from './errors.ts';

export interface Cell {
  readonly text: string;
  readonly line: number;
}

export interface ThreadColumn {
  readonly index: number;
  readonly name: string;
  readonly line: number;
  /** the non-empty cells, top to bottom */
  readonly cells: readonly Cell[];
}

export function threadTable(section: Section, file: string): ThreadColumn[] {
  const rows: Cell[][] = [];
  let line = section.line;
  for (const rowText of section.text.split(';')) {
    const cells: Cell[] = [];
    let cellLine = line;
    for (const raw of rowText.split('|')) {
      const lead = /^\s*/.exec(raw)![0];
      cells.push({ text: raw.trim(), line: cellLine + count(lead, '\n') });
      cellLine += count(raw, '\n');
    }
    line += count(rowText, '\n');
    if (cells.some((c) => c.text !== '')) rows.push(cells);
  }
  if (rows.length === 0) throw syntaxError({ file, line: section.line }, 'no thread table: expected `P0 | P1 ... ;` and the instructions');
  const header = rows[0];
  const threads = header.map((c, i) => {
    if (c.text !== `P${i}`) throw syntaxError({ file, line: c.line }, `expected thread name 'P${i}' in the table header, found '${c.text}'`);
    return { index: i, name: c.text, line: c.line, cells: [] as Cell[] };
  });
  for (const row of rows.slice(1)) {
    if (row.length > threads.length) {
      throw syntaxError({ file, line: row[threads.length].line }, `a row of the thread table has ${row.length} columns, but the header names ${threads.length} threads`);
    }
    row.forEach((c, i) => { if (c.text !== '') threads[i].cells.push(c); });
  }
  return threads;
}

const count = (s: string, c: string): number => s.split(c).length - 1;
