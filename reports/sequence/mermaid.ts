/**
 * The sequence diagram as Mermaid text, for people who paste it into their docs. Mermaid
 * ends a statement at `;` and reads `#…;` as an entity, so both are written as entities;
 * long notes are broken with <br/>, which Mermaid renders as a line break.
 */
import { match } from 'ts-pattern';
import type { SequenceDiagram } from './diagram.ts';

function text(s: string): string {
  return s.replace(/#/g, '#35;').replace(/;/g, '#59;').replace(/\r?\n/g, ' ');
}

function breakLines(s: string, width: number): string {
  const words = s.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) { lines.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  lines.push(line);
  return lines.map(text).join('<br/>');
}

const ARROW = { handoff: '->>', missed: '--x', later: '--)' } as const;

export function sequenceToMermaid(d: SequenceDiagram): string {
  const out: string[] = ['sequenceDiagram', `  title ${text(d.title)}`];
  for (const p of d.participants) out.push(`  participant ${p.id} as ${text(p.label)}`);
  const first = d.participants[0]?.id;
  const last = d.participants[d.participants.length - 1]?.id;
  for (const it of d.items) {
    match(it)
      .with({ kind: 'message' }, (m) => { out.push(`  ${m.from}${ARROW[m.style]}${m.to}: ${text(m.text)}`); })
      .with({ kind: 'note' }, (n) => { out.push(`  Note over ${n.over}: ${breakLines(n.text, 60)}`); })
      .with({ kind: 'end' }, (e) => { if (first) out.push(`  Note over ${first === last ? first : `${first},${last}`}: ${text(e.text)}`); })
      .exhaustive();
  }
  return `${out.join('\n')}\n`;
}
