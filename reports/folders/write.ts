/** Writing a report folder: the only file-system code of reports/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface ReportFile { readonly name: string; readonly content: string }

export function writeFiles(dir: string, files: readonly ReportFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(path.join(dir, f.name), f.content);
}

/** A folder name from ids that may hold characters a file system or a URL dislikes. */
export function folderName(...parts: readonly string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_')).join('-');
}
