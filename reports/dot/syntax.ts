/**
 * The bits of the DOT language the renderers need: quoted IDs and attribute lists.
 * Every ID and value is written as a double-quoted string, so no name from a model can
 * collide with a DOT keyword or break the grammar.
 */

/** A DOT double-quoted string: only `"` and `\` need escaping; newlines become `\n` (centred line breaks). */
export function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** `[a="x", b="y"]`, skipping undefined values. */
export function attrs(a: Readonly<Record<string, string | number | boolean | undefined>>): string {
  const parts = Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${quote(String(v))}`);
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
}

/** Breaks a long label into lines of at most `width` characters, at spaces. */
export function wrap(s: string, width: number): string {
  const out: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line.length > 0 && line.length + 1 + word.length > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.join('\n');
}
