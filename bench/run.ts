/**
 * `npm run bench`: speed and memory of the explorer, measured, as JSON on stdout.
 *
 * Each configuration runs in a child process of its own, so its peak memory is its own.
 * With `--spin` (and SPIN and gcc installed: `apt-get install -y spin`), the SPIN peer
 * (../shared/peers/spin/run.sh, -DNOREDUCE) runs on the same configurations of the peer
 * model, side by side: the transcription in bench/peers/spin-ioreq.ts explores the same
 * transition system, so the state counts must match and only the speeds differ.
 *
 *   npm run bench                  # xenmc only
 *   npm run bench -- --spin        # and SPIN beside it
 *   npm run bench -- --quick       # the small configurations only
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkProgram } from '../checker/check.ts';
import type { MemoryModelName } from '../checker/memory/model.ts';
import type { Model } from '../checker/model.ts';
import { runLitmusFile } from '../checker/litmus.ts';
import ioreq from '../models/ioreq.ts';
import ioreqBuffered from '../models/ioreq-buffered.ts';
import armIoRetry from '../models/arm-io-retry.ts';
import vits from '../models/vits.ts';
import spinIoreq from './peers/spin-ioreq.ts';

interface Config {
  readonly name: string;
  /** a built-in model, or `litmus` for the test file `litmus` (relative to ../shared/litmus) */
  readonly model: 'ioreq' | 'ioreq-buffered' | 'arm-io-retry' | 'vits' | 'spin-ioreq' | 'litmus';
  readonly variant: string;
  readonly mm: MemoryModelName;
  readonly params: Record<string, number | string>;
  readonly buffer?: number;
  /** check only these properties (default: all; ioreq's A4 is a liveness property, so all means exact mode and the state graph) */
  readonly properties?: readonly string[];
  readonly promises?: number;
  /** depth-first, shuffled from `seed` (default: breadth-first) */
  readonly order?: 'depth-first';
  readonly seed?: number;
  readonly litmus?: string;
  readonly quick: boolean;
  /** the SPIN peer run of the same configuration, if there is one */
  readonly spin?: { model: 'sc' | 'tso'; N: number; K: number };
}

const CONFIGS: readonly Config[] = [
  { name: 'peer sc N=2 K=2', model: 'spin-ioreq', variant: 'peer', mm: 'sc', params: { N: 2, K: 2 }, buffer: 5, quick: true, spin: { model: 'sc', N: 2, K: 2 } },
  { name: 'peer tso N=2 K=2', model: 'spin-ioreq', variant: 'peer', mm: 'tso', params: { N: 2, K: 2 }, buffer: 5, quick: true, spin: { model: 'tso', N: 2, K: 2 } },
  { name: 'peer sc N=3 K=2', model: 'spin-ioreq', variant: 'peer', mm: 'sc', params: { N: 3, K: 2 }, buffer: 5, quick: false, spin: { model: 'sc', N: 3, K: 2 } },
  { name: 'peer tso N=3 K=2', model: 'spin-ioreq', variant: 'peer', mm: 'tso', params: { N: 3, K: 2 }, buffer: 5, quick: false, spin: { model: 'tso', N: 3, K: 2 } },
  { name: 'peer sc N=3 K=3', model: 'spin-ioreq', variant: 'peer', mm: 'sc', params: { N: 3, K: 3 }, buffer: 5, quick: false, spin: { model: 'sc', N: 3, K: 3 } },
  { name: 'ioreq A-F sc vcpus=2 requests=2', model: 'ioreq', variant: 'A-F', mm: 'sc', params: { vcpus: 2, requests: 2 }, quick: true },
  { name: 'ioreq A-F tso vcpus=2 requests=2', model: 'ioreq', variant: 'A-F', mm: 'tso', params: { vcpus: 2, requests: 2 }, quick: false },
  { name: 'ioreq A-F sc vcpus=3 requests=1', model: 'ioreq', variant: 'A-F', mm: 'sc', params: { vcpus: 3, requests: 1 }, quick: false },
  // the same without the liveness property A4: fingerprints, no state graph, no liveness analysis
  { name: 'ioreq A-F sc vcpus=2 requests=2 safety only', model: 'ioreq', variant: 'A-F', mm: 'sc', params: { vcpus: 2, requests: 2 }, properties: ['A1', 'A2', 'A3'], quick: true },
  { name: 'ioreq A-F tso vcpus=2 requests=2 safety only', model: 'ioreq', variant: 'A-F', mm: 'tso', params: { vcpus: 2, requests: 2 }, properties: ['A1', 'A2', 'A3'], quick: false },
  { name: 'ioreq A-F sc vcpus=3 requests=1 safety only', model: 'ioreq', variant: 'A-F', mm: 'sc', params: { vcpus: 3, requests: 1 }, properties: ['A1', 'A2', 'A3'], quick: false },
  { name: 'ioreq-buffered A-Q-F tso defaults', model: 'ioreq-buffered', variant: 'A-Q-F', mm: 'tso', params: {}, quick: true },
  { name: 'ioreq-buffered A-Q-F tso size=mixed slots=3 writes=4', model: 'ioreq-buffered', variant: 'A-Q-F', mm: 'tso', params: { size: 'mixed', slots: 3, writes: 4 }, quick: true },
  { name: 'ioreq-buffered A-Q-F sc vcpus=2 writes=2', model: 'ioreq-buffered', variant: 'A-Q-F', mm: 'sc', params: { vcpus: 2, writes: 2 }, quick: false },
  { name: 'arm-io-retry C-F1 tso defaults', model: 'arm-io-retry', variant: 'C-F1', mm: 'tso', params: {}, quick: true },
  { name: 'arm-io-retry C-F2 tso accesses=3 dir=mixed', model: 'arm-io-retry', variant: 'C-F2', mm: 'tso', params: { accesses: 3, dir: 'mixed' }, quick: true },
  // PSO: the peer's buffers (depth 2), and the ioreq model
  { name: 'peer pso N=2 K=2', model: 'spin-ioreq', variant: 'peer', mm: 'pso', params: { N: 2, K: 2 }, buffer: 2, quick: true },
  { name: 'ioreq A-F pso vcpus=2 requests=2', model: 'ioreq', variant: 'A-F', mm: 'pso', params: { vcpus: 2, requests: 2 }, quick: false },
  // ARMv8 (Promising-ARM): the ioreq model with one promise outstanding, and litmus shapes
  { name: 'ioreq A-F armv8 requests=1', model: 'ioreq', variant: 'A-F', mm: 'armv8', params: { requests: 1 }, quick: true },
  { name: 'ioreq A-F armv8 requests=2', model: 'ioreq', variant: 'A-F', mm: 'armv8', params: { requests: 2 }, quick: false },
  { name: 'ioreq A-F armv8 requests=1 promises=2', model: 'ioreq', variant: 'A-F', mm: 'armv8', params: { requests: 1 }, promises: 2, quick: false },
  // depth-first: the one verify cell breadth-first cannot reach (vits D-B3 under ARMv8, models/vits.ts)
  { name: 'vits D-B3 armv8 D1 depth-first seed 10', model: 'vits', variant: 'D-B3', mm: 'armv8', params: {}, properties: ['D1'], order: 'depth-first', seed: 10, quick: false },
  { name: 'litmus aarch64 3.2W', model: 'litmus', litmus: 'aarch64/herdtools7-armed-cats-v8/3.2W.litmus', variant: '', mm: 'armv8', params: {}, quick: true },
  { name: 'litmus aarch64 IRIW', model: 'litmus', litmus: 'aarch64/herdtools7-readers-guide/IRIW.litmus', variant: '', mm: 'armv8', params: {}, quick: true },
  { name: 'litmus aarch64 W+RW+W+RW', model: 'litmus', litmus: 'aarch64/herdtools7-readers-guide/W+RW+W+RW.litmus', variant: '', mm: 'armv8', params: {}, quick: true },
];

const MODELS: Record<Exclude<Config['model'], 'litmus'>, Model> = { ioreq, 'ioreq-buffered': ioreqBuffered, 'arm-io-retry': armIoRetry, vits, 'spin-ioreq': spinIoreq };
const here = path.dirname(fileURLToPath(import.meta.url));

interface Measured {
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly peakRssMiB: number;
  /** (peak RSS − RSS before the search) / states: everything the run keeps per state (null for a litmus file, which runs several searches) */
  readonly bytesPerState: number | null;
  readonly mode: string | null;
  readonly verdict: string;
}

/** Runs one configuration in this process (the child's side). */
function measureHere(c: Config): Measured {
  if (c.model === 'litmus') {
    const o = runLitmusFile(path.resolve(here, '..', '..', 'shared', 'litmus', c.litmus!), { mm: c.mm });
    const peakRssMiB = Math.round(process.memoryUsage.rss() / 2 ** 20);
    return { states: o.states, transitions: 0, seconds: o.seconds, statesPerSecond: Math.round(o.states / o.seconds), peakRssMiB, bytesPerState: null, mode: null, verdict: o.verdict };
  }
  const model = MODELS[c.model];
  const program = model.program(c.variant, c.mm, c.params);
  const before = process.memoryUsage.rss();
  let peak = before;
  const r = checkProgram(program, {
    mm: c.mm,
    ...(c.buffer ? { buffer: c.buffer } : {}),
    ...(c.properties ? { properties: c.properties } : {}),
    ...(c.promises !== undefined ? { promises: c.promises } : {}),
    ...(c.order !== undefined ? { order: c.order } : {}),
    ...(c.seed !== undefined ? { seed: c.seed } : {}),
    onProgress: () => { peak = Math.max(peak, process.memoryUsage.rss()); },
    progressIntervalMs: 200,
  });
  // the liveness analysis allocates after the search's last progress call: the process's own peak covers it
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  return {
    states: r.states, transitions: r.transitions, seconds: r.seconds, statesPerSecond: Math.round(r.states / r.seconds),
    peakRssMiB: Math.round(peak / 2 ** 20), bytesPerState: Math.round((peak - before) / r.states), mode: r.bounds.mode, verdict: r.verdict,
  };
}

function measureInChild(c: Config): Measured {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'run.ts'), '--one', c.name], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`benchmark '${c.name}' failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measured;
}

function spinAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v spin && command -v gcc'], { encoding: 'utf8' }).status === 0;
}

function measureSpin(s: NonNullable<Config['spin']>): Record<string, string> | { error: string } {
  const script = path.resolve(here, '..', '..', 'shared', 'peers', 'spin', 'run.sh');
  const r = spawnSync('sh', [script, s.model, String(s.N), String(s.K), 'nored'], { encoding: 'utf8', env: { ...process.env, HASHW: '24', TLIMIT: '120' } });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) return { error: (r.stderr || r.stdout).trim().split('\n')[0] ?? 'no RESULT line' };
  return Object.fromEntries([...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2].replace(/^"|"$/g, '')]));
}

function main(argv: string[]): void {
  const one = argv.indexOf('--one');
  if (one >= 0) {
    const c = CONFIGS.find((x) => x.name === argv[one + 1]);
    if (!c) throw new Error(`no configuration '${argv[one + 1]}'`);
    process.stdout.write(JSON.stringify(measureHere(c)));
    return;
  }
  const quick = argv.includes('--quick');
  const withSpin = argv.includes('--spin');
  if (withSpin && !spinAvailable()) {
    process.stderr.write('bench: --spin needs spin and gcc (apt-get install -y spin)\n');
    process.exitCode = 2;
    return;
  }
  const results = [];
  for (const c of CONFIGS.filter((x) => !quick || x.quick)) {
    process.stderr.write(`bench: ${c.name}\n`);
    const xenmc = measureInChild(c);
    results.push({
      name: c.name, model: c.model, variant: c.variant, mm: c.mm, params: c.params, xenmc,
      ...(withSpin && c.spin ? { spin: measureSpin(c.spin) } : {}),
    });
  }
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    results,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main(process.argv.slice(2));
