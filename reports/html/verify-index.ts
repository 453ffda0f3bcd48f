/**
 * index.html of a `verify --report` folder: the verdict matrix (model × variant down,
 * memory model across), each cell listing its properties' verdicts, a differing one in
 * red, each violation linking to its report.
 */
import type { VerifyRow, VerifyRun } from '../../checker/verify.ts';
import { cellKey } from '../summary.ts';
import { summarize } from '../text.ts';
import { esc } from './escape.ts';
import { page } from './page.ts';

const LETTER: Record<VerifyRow['verdict'], string> = { holds: 'H', violated: 'V', incomplete: 'I', unchecked: 'U' };

function cell(row: VerifyRow, report: string | undefined): string {
  const text = `${esc(row.property)}:${LETTER[row.verdict]}`;
  const title = `${row.property}: ${row.verdict}, expected ${row.expected}`;
  const inner = report ? `<a href="${esc(report)}/report.html" title="${esc(title)}">${text}</a>` : `<span title="${esc(title)}">${text}</span>`;
  const mark = row.comparison === 'differ' ? ` ✗ (expected ${esc(row.expected)})` : row.comparison === 'unstated' ? '·' : '';
  return `<span class="${row.comparison}">${inner}${mark}</span>`;
}

export function verifyIndexHtml(runs: readonly VerifyRun[], reports: ReadonlyMap<string, string>): string {
  const mms = [...new Set(runs.map((r) => r.mm))];
  const lines = [...new Map(runs.map((r) => [`${r.model.name}\u0000${r.variant}`, r])).values()];
  const rows = runs.flatMap((r) => r.rows);
  const s = summarize(rows);
  const body = lines.map((first) => {
    const title = first.model.variants.find((v) => v.id === first.variant)?.title ?? '';
    const cells = mms.map((mm) => {
      // a cell may be decided by several runs, each deciding some of its properties (Model.verifyWith)
      const mine = runs.filter((r) => r.model.name === first.model.name && r.variant === first.variant && r.mm === mm);
      if (mine.length === 0) return '<td class="cell">—</td>';
      return `<td class="cell">${mine.flatMap((r) => r.rows).map((row) => cell(row, reports.get(cellKey(row)))).join(' ')}</td>`;
    });
    return `<tr><th>${esc(first.model.name)}</th><th>${esc(first.variant)}</th><td>${esc(title)}</td>${cells.join('')}</tr>`;
  });
  const verdict = s.differ > 0 ? `<span class="differ">${s.differ} differ</span>` : '<span class="agree">every compared verdict agrees</span>';
  return page('xenmc verify', `
<h1>xenmc verify</h1>
<p class="subtitle">${runs.length} runs, ${rows.length} cells: ${s.agree} agree, ${verdict}, ${s.unstated} unstated, ${s.unchecked} unchecked, ${s.incomplete} incomplete</p>
<section><h2>Verdict matrix</h2>
<p>H holds, V violated, I incomplete, U unchecked; green: agrees with the expected verdict; red ✗: differs from it; ·: no expected verdict stated (reported, not compared); a violation links to its counterexample report.</p>
<table class="matrix"><thead><tr><th>model</th><th>variant</th><th></th>${mms.map((m) => `<th>${esc(m)}</th>`).join('')}</tr></thead>
<tbody>${body.join('\n')}</tbody></table>
<p><a href="junit.xml">junit.xml</a> · <a href="summary.json">summary.json</a></p>
</section>`);
}
