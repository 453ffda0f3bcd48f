/**
 * The sequence diagram as Mermaid text, for people who paste it into their docs. Mermaid
 * ends a statement at `;` and reads `#…;` as an entity, so both are written as entities;
 * long notes are broken with <br/>, which Mermaid renders as a line break.
 */
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
    switch (it.kind) {
      case 'message':
        out.push(`  ${it.from}${ARROW[it.style]}${it.to}: ${text(it.text)}`);
        break;
      case 'note':
        out.push(`  Note over ${it.over}: ${breakLines(it.text, 60)}`);
        break;
      case 'end':
        if (first) out.push(`  Note over ${first === last ? first : `${first},${last}`}: ${text(it.text)}`);
        break;
    }
  }
  return `${out.join('\n')}\n`;
}
