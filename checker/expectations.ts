/**
 * Expected verdicts written as protocols.md §6 writes them, so a model's table can be read
 * against the summary table line by line:
 *
 *   'H'        every property holds
 *   'V:A2'     A2 is violated; the others are unstated (a checker may report either)
 *   'V:A5,A6'  both violated
 *   { E1: 'violated', E2: 'holds', E3: 'holds' }   cell by cell, when the shorthand does not fit
 *
 * Cells the table leaves out are `unstated`.
 */
import type { Expectations, ExpectedVerdict } from './model.ts';
import type { MemoryModelName } from './memory/model.ts';

export type ExpectationCell = 'H' | `V:${string}` | Readonly<Record<string, ExpectedVerdict>>;

export type ExpectationTable = Readonly<Record<string, Partial<Readonly<Record<MemoryModelName, ExpectationCell>>>>>;

export function expectationTable(properties: readonly string[], table: ExpectationTable): Expectations {
  for (const [variant, row] of Object.entries(table)) {
    for (const [mm, cell] of Object.entries(row)) {
      if (typeof cell === 'string' && cell !== 'H') {
        for (const id of cell.slice(2).split(',')) {
          if (!properties.includes(id)) throw new Error(`expectation ${variant}/${mm} names unknown property '${id}'`);
        }
      }
    }
  }
  return (variant, mm, property) => {
    const cell = table[variant]?.[mm];
    if (cell === undefined) return 'unstated';
    if (cell === 'H') return 'holds';
    if (typeof cell === 'string') return cell.slice(2).split(',').includes(property) ? 'violated' : 'unstated';
    return cell[property] ?? 'unstated';
  };
}
