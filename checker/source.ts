/**
 * Finding the model-file line of a builder call, so that an error or a trace step can
 * point at the line the engineer wrote rather than at the builder's internals.
 */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import type { SourcePos } from './ir.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

/**
 * Library folders whose frames are skipped: the builder itself and the shared Xen
 * primitives. A step built by `notify()` in models/xen/ is reported at the model line
 * that called `notify()`, which is where an engineer looks.
 */
const libraryDirs = [path.join(repoRoot, 'checker') + path.sep, path.join(repoRoot, 'models', 'xen') + path.sep];

const unknown: SourcePos = { file: '<unknown>', line: 0, column: 0 };

function frameFile(raw: string): string {
  return raw.startsWith('file://') ? fileURLToPath(raw) : raw;
}

/** The first stack frame outside the library: the model's own call. */
export function callerPosition(): SourcePos {
  // Library primitives nest (a completion path calling wait_for_io calling the wait
  // primitive inside builder callbacks): V8's default of 10 frames can stop short of the model.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = frameFile(m[1]);
    if (file.startsWith('node:') || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if (libraryDirs.some((d) => file.startsWith(d))) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return unknown;
}

/** `file:line`, with the file relative to the working directory when it lies below it. */
export function formatPosition(pos: SourcePos, cwd = process.cwd()): string {
  if (pos.line === 0) return pos.file;
  const rel = path.relative(cwd, pos.file);
  const shown = rel.startsWith('..') || path.isAbsolute(rel) ? pos.file : rel;
  return `${shown}:${pos.line}`;
}
