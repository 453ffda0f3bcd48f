/**
 * The CLI: commands, output forms, exit codes, and the error paths a user meets (unknown
 * model, variant, memory model, parameter; a malformed model file), each a one-line
 * message with exit code 2 and no stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../checker/cli.ts';
import { supportedMemoryModels } from '../checker/verify.ts';
import { BUILTIN_MODELS } from '../models/index.ts';
import { repoRoot } from './shared.ts';

/** The built-in models as error messages list them; derived, so adding a model does not edit these tests. */
const BUILTIN_NAMES = BUILTIN_MODELS.map((m) => m.name).join(', ');
/** verify's runs and rows over these memory models: each model × variant × memory model, one row per property plus deadlock and runtime-error. */
function verifyCounts(mms: readonly string[]): { runs: number; rows: number } {
  const n = (m: (typeof BUILTIN_MODELS)[number]): number => m.variants.length * supportedMemoryModels(m).filter((x) => mms.includes(x)).length;
  return {
    runs: BUILTIN_MODELS.reduce((k, m) => k + n(m), 0),
    rows: BUILTIN_MODELS.reduce((k, m) => k + n(m) * (m.properties.length + 2), 0),
  };
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(argv, { out: (s) => { out += s.endsWith('\n') ? s : `${s}\n`; }, err: (s) => { err += s.endsWith('\n') ? s : `${s}\n`; } });
  return { code, out, err };
}

/** Runs the real executable, as a user's shell would. */
function bin(...argv: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'xenmc.js'), ...argv], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/**
 * The real executable in a child process, awaited without blocking this worker: a full
 * `verify` runs every built-in model, which takes long enough that running it in-process
 * would starve vitest's own messages to the worker.
 */
function binAsync(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'xenmc.js'), ...argv], { cwd: repoRoot });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

describe('xenmc list', () => {
  it('lists the built-in models with variants, properties, parameters and the memory models', async () => {
    const r = await cli('list');
    expect(r.code).toBe(0);
    expect(r.out).toContain('ioreq: synchronous ioreq handshake');
    expect(r.out).toContain('variants: A-F, A-B1, A-B2, A-B3, A-B4, A-B5, A-B6, A-B7');
    expect(r.out).toMatch(/vcpus=1\s+\(1\.\.4\)/);
    expect(r.out).toMatch(/tso\s+x86-TSO/);
  });
  it('--json gives the same as one object', async () => {
    const j = JSON.parse((await cli('list', '--json')).out);
    expect(j.models[0]).toMatchObject({ name: 'ioreq', params: { vcpus: { default: 1 } } });
    expect(j.models[0].properties.map((p: { id: string }) => p.id)).toEqual(['A1', 'A2', 'A3', 'A4']);
    expect(j.memoryModels.map((m: { name: string; implemented: boolean }) => `${m.name}:${m.implemented}`)).toEqual(['sc:true', 'tso:true', 'pso:true', 'armv8:true']);
  });
});

describe('xenmc check', () => {
  it('defaults to the first (fixed) variant under SC: exit 0, every property holds, bounds printed', async () => {
    const r = await cli('check', 'ioreq', '--no-progress');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ioreq · variant A-F .* · memory model sc · vcpus=1 requests=2 dir=mixed/);
    expect(r.out).toMatch(/A1\s+holds/);
    // A4 is a liveness property, so the whole state graph is kept: exact storage
    expect(r.out).toMatch(/\d[\d,]* states · [\d,]+ transitions · depth \d+ · [\d.]+ s · exact state storage/);
    expect(r.out).toContain('verdict: holds');
    // safety properties alone run with fingerprints
    const safety = await cli('check', 'ioreq', '--no-progress', '--property', 'A1,A2,A3');
    expect(safety.out).toMatch(/\d[\d,]* states · [\d,]+ transitions · depth \d+ · [\d.]+ s · 64-bit fingerprints/);
  });

  it('a violation: exit 1, the property, and the counterexample as numbered steps', async () => {
    const r = await cli('check', 'ioreq', '--variant', 'A-B5', '--mm', 'tso');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/A4\s+VIOLATED/);
    // A4's safety form: the shortest deadlock with the vCPU asleep and IORESP_READY visible
    expect(r.out).toMatch(/A4 violated: a run of \d+ steps that ends there/);
    expect(r.out).toMatch(/\n\s+1\s+Xen \(vCPU0\)\s+request 0: ioreq_send: check the slot is idle — load slot\.state → NONE\(0\)/);
    expect(r.out).toMatch(/store buffers ≤ 8 entries \(never full\)/);
    expect(r.out).toContain('end: deadlock');
  });

  it('--json prints one object in the documented form', async () => {
    const r = await cli('check', 'ioreq', '--variant', 'A-B5', '--mm', 'tso', '--json');
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['model', 'variant', 'mm', 'verdict', 'properties', 'states', 'transitions', 'seconds', 'bounds']));
    expect(j).toMatchObject({ model: 'ioreq', variant: 'A-B5', mm: 'tso', verdict: 'violated', bounds: { buffer: 8, mode: 'exact' } });
    const a4 = j.properties.find((p: { id: string }) => p.id === 'A4');
    expect(a4.verdict).toBe('violated');
    expect(a4.trace.steps[0]).toMatchObject({ index: 1, thread: 'Xen0', actor: 'Xen (vCPU0)' });
    expect(j.properties.find((p: { id: string }) => p.id === 'A1').trace).toBeUndefined();
  });

  it('--property restricts the check; --param sets parameters; a state bound makes it incomplete (exit 3)', async () => {
    const only = JSON.parse((await cli('check', 'ioreq', '--property', 'A1,A2', '--param', 'vcpus=2', '--param', 'requests=1', '--json')).out);
    expect(only.properties.map((p: { id: string }) => p.id)).toEqual(['A1', 'A2']);
    expect(only.params).toEqual({ vcpus: 2, requests: 1, dir: 'mixed' });
    const cut = await cli('check', 'ioreq', '--max-states', '50');
    expect(cut.code).toBe(3);
    expect(cut.out).toContain('STOPPED at the state bound: incomplete');
    expect(cut.out).toContain('verdict: incomplete');
    expect(cut.out).not.toMatch(/A1\s+holds/);
  });

  it('--exact stores whole states and reports the same counts', async () => {
    const f = JSON.parse((await cli('check', 'ioreq', '--mm', 'tso', '--property', 'A1,A2,A3', '--json')).out);
    const e = JSON.parse((await cli('check', 'ioreq', '--mm', 'tso', '--property', 'A1,A2,A3', '--exact', '--json')).out);
    expect(f.bounds.mode).toBe('fingerprint');
    expect([e.states, e.transitions, e.bounds.mode]).toEqual([f.states, f.transitions, 'exact']);
  });
});

describe('--search dfs', () => {
  it('finds the violation depth-first, says the counterexample is the search\'s path, leaves liveness unchecked; the same states as bfs', async () => {
    const bfs = JSON.parse((await cli('check', 'ioreq', '--variant', 'A-B1', '--mm', 'pso', '--property', 'A1,A2,A3', '--json')).out);
    const dfs = await cli('check', 'ioreq', '--variant', 'A-B1', '--mm', 'pso', '--search', 'dfs', '--seed', '2');
    expect(dfs.code).toBe(1);
    expect(dfs.out).toMatch(/violated: counterexample found depth-first, \d+ steps \(the search's path, not necessarily a shortest one\)/);
    // A4 is a liveness property: only the breadth-first state graph decides it
    expect(dfs.out).toMatch(/A4\s+unchecked .*liveness property: the depth-first search does not keep the state graph/);
    expect(dfs.out).toContain('depth-first, shuffled from seed 2');
    const j = JSON.parse((await cli('check', 'ioreq', '--variant', 'A-B1', '--mm', 'pso', '--property', 'A1,A2,A3', '--search', 'dfs', '--json')).out);
    expect(j.bounds).toMatchObject({ order: 'depth-first', seed: null });
    expect(bfs.bounds).toMatchObject({ order: 'breadth-first', seed: null });
    expect([j.states, j.transitions]).toEqual([bfs.states, bfs.transitions]);
  });
});

describe('bad input: one line naming what is wrong and what is supported, exit 2', () => {
  const cases: [string[], string][] = [
    [['check', 'nosuch'], `xenmc: unknown model 'nosuch' (built-in models: ${BUILTIN_NAMES}; or give the path of a .ts model file)`],
    [['check', 'ioreq', '--variant', 'A-B99'], "xenmc: model 'ioreq' has no variant 'A-B99' (variants: A-F, A-B1, A-B2, A-B3, A-B4, A-B5, A-B6, A-B7)"],
    [['check', 'ioreq', '--mm', 'power'], "xenmc: unknown memory model 'power' (memory models: sc, tso, pso, armv8)"],
    [['check', 'ioreq', '--mm', 'armv8', '--promises', 'x'], "xenmc: option '--promises <n>' argument 'x' is invalid. --promises must be a non-negative integer, got 'x'"],
    [['check', 'ioreq', '--param', 'vcpus=9'], "xenmc: parameter 'vcpus' of model 'ioreq' must be an integer in 1..4, got '9'"],
    [['check', 'ioreq', '--param', 'dir=sideways'], "xenmc: parameter 'dir' of model 'ioreq' must be one of read, write, mixed, got 'sideways'"],
    [['check', 'ioreq', '--param', 'nope=1'], "xenmc: model 'ioreq' has no parameter 'nope' (parameters: vcpus, requests, dir)"],
    [['check', 'ioreq', '--param', 'vcpus'], "xenmc: --param takes name=value, got 'vcpus'"],
    [['check', 'ioreq', '--property', 'A9'], "xenmc: unknown property 'A9' (properties: A1, A2, A3, A4, deadlock, runtime-error)"],
    [['check', 'ioreq', '--buffer', '0'], "xenmc: option '--buffer <n>' argument '0' is invalid. --buffer must be a positive integer, got '0'"],
    [['check', 'ioreq', '--frob'], "xenmc: unknown option '--frob'"],
    [['check', 'ioreq', '--search', 'random'], "xenmc: option '--search <order>' argument 'random' is invalid. --search is bfs or dfs, got 'random'"],
    [['check', 'ioreq', '--seed', '4'], 'xenmc: --seed shuffles the depth-first order: give --search dfs with it'],
    [['check', 'ioreq', '--search', 'dfs', '--property', 'A4'], "xenmc: property 'A4' is a liveness property, which needs the whole state graph: check it with the default breadth-first search, not --search dfs"],
    [['frobnicate'], "xenmc: unknown command 'frobnicate' (commands: list, check, verify, litmus)"],
    [['verify', '--model', 'nosuch'], `xenmc: unknown model 'nosuch' (built-in models: ${BUILTIN_NAMES})`],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), async () => {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`${message}\n`);
      expect(r.out).toBe('');
    });
  }
});

describe('user model files, through the real executable', () => {
  it('the README example loads from its path, imports the API as xenmc, and verifies', () => {
    const r = bin('check', 'examples/message-passing.ts', '--variant', 'unfenced', '--mm', 'tso', '--no-progress');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/MP\s+holds/);
  });

  it('a model file outside the package also imports xenmc', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xenmc-user-'));
    const file = path.join(dir, 'lost-update.ts');
    writeFileSync(file, [
      "import { defineModel } from 'xenmc';",
      'export default defineModel({',
      "  name: 'lost-update', title: 'two unlocked increments',",
      "  variants: [{ id: 'racy', title: 'load then store' }],",
      "  properties: [{ id: 'sum', title: 'both increments land' }],",
      '  build(m) {',
      "    const c = m.shared('c', 0);",
      "    const ts = ['A', 'B'].map((n) => m.thread(n, (t) => { const r = t.reg('r'); t.load(r, c); t.store(c, r.add(1)); }));",
      "    m.invariant('sum', m.done(ts[0]).and(m.done(ts[1])).not().or(m.mem(c).eq(2)));",
      '  },',
      '});',
      '',
    ].join('\n'));
    const r = bin('check', file, '--no-progress');
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/sum\s+VIOLATED/);
  });

  it('a register read before it is set: the file and line of the builder call', () => {
    const r = bin('check', 'test/fixtures/models/read-before-set.ts');
    expect(r.code).toBe(2);
    expect(r.err).toBe("xenmc: test/fixtures/models/read-before-set.ts:12: register 'r' of thread 'P0' is read before it is set\n");
  });

  it('a syntax error: the file and line, one line, no stack trace', () => {
    const r = bin('check', 'test/fixtures/models/syntax-error.ts');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^xenmc: test\/fixtures\/models\/syntax-error\.ts:8: syntax error: .+\n$/);
  });

  it('a module without a model, and a file that does not exist', () => {
    const a = bin('check', 'test/fixtures/models/no-export.ts');
    expect(a.code).toBe(2);
    expect(a.err).toBe("xenmc: test/fixtures/models/no-export.ts: the file does not export a model (write `export default defineModel({ ... })`, with defineModel imported from 'xenmc')\n");
    const b = bin('check', 'models/missing.ts');
    expect(b.code).toBe(2);
    expect(b.err).toBe("xenmc: cannot read model file 'models/missing.ts': no such file\n");
  });

  it('--help on every command exits 0', () => {
    for (const argv of [['--help'], ['check', '--help'], ['verify', '--help'], ['list', '--help']]) {
      const r = bin(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: xenmc/);
    }
  });
});

describe('xenmc verify', () => {
  it('--json prints one object per model × variant × memory model × property, and exits 0 when all agree', async () => {
    const r = await binAsync('verify', '--json', '--no-progress', '--mm', 'sc,tso,pso');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    // ioreq alone: 8 variants × 3 memory models × (4 properties + deadlock + runtime-error)
    expect(rows.filter((x) => x.model === 'ioreq')).toHaveLength(8 * 3 * 6);
    expect(rows).toHaveLength(verifyCounts(['sc', 'tso', 'pso']).rows);
    expect(Object.keys(rows[0])).toEqual(['model', 'variant', 'mm', 'property', 'expected', 'verdict', 'states', 'seconds']);
    expect(rows).toContainEqual(expect.objectContaining({ model: 'ioreq', variant: 'A-B5', mm: 'tso', property: 'A4', expected: 'violated', verdict: 'violated' }));
    expect(rows).toContainEqual(expect.objectContaining({ variant: 'A-B5', mm: 'tso', property: 'A1', expected: 'unstated' }));
  });

  it('the text form ends with the summary', async () => {
    const r = await binAsync('verify', '--no-progress', '--mm', 'sc', '--mm', 'tso,pso');
    const { runs, rows } = verifyCounts(['sc', 'tso', 'pso']);
    expect(r.out).toMatch(new RegExp(`verify: ${runs} runs, ${rows} cells: \\d+ agree, 0 differ, \\d+ unstated`));
    expect(r.out).not.toContain('not run');
  });
});
