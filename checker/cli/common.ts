/**
 * What every command shares: output streams, exit codes, option parsers, progress lines.
 */
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { usageError } from '../errors.ts';
import { ALL_MEMORY_MODEL_NAMES, MEMORY_MODELS, memoryModelInfo } from '../memory/index.ts';
import type { MemoryModelName } from '../memory/model.ts';
import type { SearchOrder } from '../result.ts';
import type { Progress } from '../explore/search.ts';
import { num } from '../../reports/text.ts';

export const EXIT_OK = 0;
export const EXIT_VIOLATED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INCOMPLETE = 3;
export const EXIT_INTERNAL = 70;

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

/** What a command's action reports back to main(). */
export interface CommandContext {
  readonly io: Io;
  setExit(code: number): void;
}

export function positiveInt(name: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got '${raw}'`);
    return Number(raw);
  };
}

export function nonNegativeInt(name: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new InvalidArgumentError(`${name} must be a non-negative integer, got '${raw}'`);
    return Number(raw);
  };
}

export function positiveNumber(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds, got '${raw}'`);
    return n;
  };
}

/** `--search`: bfs (breadth-first, shortest counterexamples) or dfs (depth-first, as SPIN). */
export function searchOrder(raw: string): SearchOrder {
  if (raw === 'bfs') return 'breadth-first';
  if (raw === 'dfs') return 'depth-first';
  throw new InvalidArgumentError(`--search is bfs or dfs, got '${raw}'`);
}

export function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(value.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
}

export function parseParams(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of raw) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(p);
    if (!m) throw usageError(`--param takes name=value, got '${p}'`);
    out[m[1]] = m[2];
  }
  return out;
}

export function memoryModelName(raw: string): MemoryModelName {
  const implemented = MEMORY_MODELS.map((m) => m.name);
  if ((ALL_MEMORY_MODEL_NAMES as readonly string[]).includes(raw) && memoryModelInfo(raw)) return raw as MemoryModelName;
  const planned = ALL_MEMORY_MODEL_NAMES.filter((n) => !implemented.includes(n));
  if ((ALL_MEMORY_MODEL_NAMES as readonly string[]).includes(raw)) {
    throw usageError(`memory model '${raw}' is not implemented yet (implemented: ${implemented.join(', ')})`);
  }
  throw usageError(`unknown memory model '${raw}' (memory models: ${implemented.join(', ')}${planned.length ? `; planned: ${planned.join(', ')}` : ''})`);
}

export function progressPrinter(io: Io, enabled: boolean): ((p: Progress) => void) | undefined {
  if (!enabled) return undefined;
  return (p) => io.err(`progress: depth ${p.depth} · ${num(p.states)} states (${num(Math.round(p.statesPerSecond))}/s) · frontier ${num(p.frontier)} · ${num(p.transitions)} transitions · ${p.seconds.toFixed(1)} s`);
}
