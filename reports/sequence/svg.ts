/**
 * The sequence diagram drawn as SVG at generation time. Mermaid lays out in a browser
 * only, and a report must show its pictures without running a script, so the chart is
 * laid out here: a sequence chart is a grid (a column per lifeline, a row per item), and
 * the only measurement needed is text width, estimated from the character count in a
 * fixed font size.
 */
import { match } from 'ts-pattern';
import type { SequenceDiagram, SequenceItem } from './diagram.ts';

const FONT = 11;
/** average advance of a character at FONT px in Helvetica/Arial, slightly generous */
const CHAR = 6.4;
const LINE = 14;
const MARGIN = 16;
const HEAD = 34;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function wrapTo(s: string, width: number): string[] {
  const max = Math.max(8, Math.floor(width / CHAR));
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    let w = word;
    while (w.length > max) { // a word longer than the box: cut it
      if (line) { lines.push(line); line = ''; }
      lines.push(w.slice(0, max));
      w = w.slice(max);
    }
    if (line && line.length + 1 + w.length > max) { lines.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

function textBlock(lines: readonly string[], x: number, y: number, anchor: 'middle' | 'start', colour = '#111827'): string {
  return lines.map((l, i) => `<text x="${x.toFixed(1)}" y="${(y + i * LINE).toFixed(1)}" text-anchor="${anchor}" fill="${colour}">${esc(l)}</text>`).join('');
}

const STYLE = {
  handoff: { colour: '#374151', dash: '' },
  missed: { colour: '#b91c1c', dash: '6 4' },
  later: { colour: '#c2410c', dash: '3 3' },
} as const;

export function sequenceToSvg(d: SequenceDiagram): string {
  const n = Math.max(d.participants.length, 1);
  const widest = Math.max(...d.participants.map((p) => p.label.length * CHAR + 40), 0);
  const col = Math.max(340, widest);
  const width = MARGIN * 2 + col * n;
  const x = new Map(d.participants.map((p, i) => [p.id, MARGIN + col * (i + 0.5)]));
  const body: string[] = [];
  let y = MARGIN + HEAD + 18;

  const draw = (item: SequenceItem): void => {
    match(item)
      .with({ kind: 'note' }, (it) => {
        const w = col * 0.92;
        const lines = wrapTo(it.text, w - 14);
        const h = lines.length * LINE + 10;
        const cx = x.get(it.over) ?? MARGIN;
        const fill = it.memory ? '#eff6ff' : '#fffbeb';
        body.push(`<g class="note${it.marked ? ' marked' : ''}"><rect x="${(cx - w / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h}" rx="3" fill="${fill}" stroke="${it.marked ? '#b91c1c' : '#d6d3d1'}" stroke-width="${it.marked ? 1.8 : 1}"/>`
          + `${textBlock(lines, cx - w / 2 + 7, y + 5 + FONT, 'start')}</g>`);
        y += h + 8;
      })
      .with({ kind: 'message' }, (it) => {
        const x1 = x.get(it.from) ?? MARGIN, x2 = x.get(it.to) ?? MARGIN;
        const span = Math.max(Math.abs(x2 - x1), col) - 20;
        const lines = wrapTo(it.text, span);
        const st = STYLE[it.style];
        const colour = it.marked && it.style === 'handoff' ? '#dc2626' : st.colour;
        y += lines.length * LINE;
        const dir = x2 >= x1 ? 1 : -1;
        const head = it.style === 'missed'
          ? `<path d="M${x2 - dir * 12 - 5},${y - 5} l10,10 m0,-10 l-10,10" stroke="${colour}" stroke-width="2"/>`
          : `<path d="M${x2},${y} l${-dir * 9},-4.5 l0,9 z" fill="${colour}"/>`;
        const end = it.style === 'missed' ? x2 - dir * 12 : x2 - dir * 2;
        body.push(`<g class="message ${it.style}${it.marked ? ' marked' : ''}">`
          + textBlock(lines, (x1 + x2) / 2, y - 6 - (lines.length - 1) * LINE, 'middle', colour)
          + `<line x1="${x1}" y1="${y}" x2="${end}" y2="${y}" stroke="${colour}" stroke-width="${it.marked ? 2.2 : 1.3}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`
          + `${head}</g>`);
        y += 14;
      })
      .with({ kind: 'end' }, (it) => {
        const left = MARGIN + 6, w = width - 2 * MARGIN - 12;
        const lines = wrapTo(it.text, w - 14);
        const h = lines.length * LINE + 10;
        body.push(`<g class="end"><rect x="${left}" y="${y}" width="${w}" height="${h}" rx="3" fill="#fef2f2" stroke="#b91c1c" stroke-width="1.8"/>`
          + `${textBlock(lines, left + 7, y + 5 + FONT, 'start', '#7f1d1d')}</g>`);
        y += h + 10;
      })
      .exhaustive();
  };
  for (const it of d.items) draw(it);

  const bottom = y + 6;
  const height = bottom + HEAD + MARGIN;
  const heads = d.participants.map((p) => {
    const cx = x.get(p.id)!;
    const w = Math.min(col - 24, p.label.length * CHAR + 28);
    const box = (top: number): string => `<rect x="${(cx - w / 2).toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${HEAD}" rx="4" fill="#eef2ff" stroke="#6366f1"/>`
      + `<text x="${cx}" y="${top + HEAD / 2 + 4}" text-anchor="middle" font-weight="bold">${esc(p.label)}</text>`;
    return `<g class="participant">${box(MARGIN)}<line x1="${cx}" y1="${MARGIN + HEAD}" x2="${cx}" y2="${bottom}" stroke="#9ca3af" stroke-dasharray="4 4"/>${box(bottom)}</g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="sequence" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}">`
    + `<title>${esc(d.title)}</title><rect width="100%" height="100%" fill="#ffffff"/>`
    + `${heads.join('')}${body.join('')}</svg>`;
}
