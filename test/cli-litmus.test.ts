/**
 * `xenmc litmus`: per test the name, herd7's verdict, the final states and the effort;
 * --json as one object per line; exit 0 when every test got a verdict, 2 when one was
 * unsupported or malformed (one line naming file and line, never a stack trace), 3 when one
 * was cut short by a bound.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../checker/cli.ts';
import { memoryModelInfo } from '../checker/memory/index.ts';
import { repoRoot, sharedPath } from './shared.ts';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(argv, { out: (s) => { out += s.endsWith('\n') ? s : `${s}\n`; }, err: (s) => { err += s.endsWith('\n') ? s : `${s}\n`; } });
  return { code, out, err };
}

const x86 = (f: string): string => sharedPath('litmus', 'x86', f);
const fixture = (f: string): string => path.join(repoRoot, 'test', 'fixtures', 'litmus', f);
const SB = () => x86('herdtools7-catalogue-x86/SB.litmus');

describe('xenmc litmus', () => {
  it('one test: name, verdict, condition, every final state marked when it satisfies the proposition, states and seconds; exit 0', async () => {
    const r = await cli('litmus', SB());
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SB {2}Allowed {2}· .*herdtools7-catalogue-x86\/SB\.litmus · tso$/);
    expect(lines.slice(1, 7)).toEqual([
      '  exists (0:EAX=0 /\\ 1:EAX=0): exists holds (the test expects that some final state satisfies it)',
      '  4 final states, 1 satisfying the proposition (*):',
      '    * 0:EAX=0; 1:EAX=0;',
      '      0:EAX=0; 1:EAX=1;',
      '      0:EAX=1; 1:EAX=0;',
      '      0:EAX=1; 1:EAX=1;',
    ]);
    expect(lines[7]).toMatch(/^ {2}34 states · \d+\.\d{3} s$/);
  });

  it('--mm sc forbids what TSO allows; --witness shows the shortest execution to the satisfying state', async () => {
    const sc = await cli('litmus', SB(), '--mm', 'sc');
    expect(sc.code).toBe(0);
    expect(sc.out).toMatch(/^SB {2}Forbidden {2}· .* · sc\n/);
    expect(sc.out).toContain('3 final states, 0 satisfying the proposition');
    const w = await cli('litmus', SB(), '--witness');
    expect(w.out).toContain('witness: the shortest execution to a satisfying final state, 6 steps');
    expect(w.out).toMatch(/1 {2}P0 +MOV \[x\],\$1 — store x := 1 \(into its store buffer\)/);
    expect(w.out).toMatch(/end: the final state satisfies exists \(0:EAX=0 \/\\ 1:EAX=0\)/);
  });

  it('--json: one object per line with file, name, mm, verdict, finals, states, seconds', async () => {
    const r = await cli('litmus', sharedPath('litmus', 'x86', 'herdtools7-catalogue-x86'), '--json');
    expect(r.code).toBe(0);
    const objs = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(objs).toHaveLength(23);
    expect(Object.keys(objs[0])).toEqual(['file', 'name', 'mm', 'verdict', 'finals', 'states', 'seconds']);
    const sb = objs.find((o) => o.name === 'SB');
    expect(sb).toMatchObject({ mm: 'tso', verdict: 'Allowed', states: 34 });
    expect(sb.finals).toEqual([
      { values: { '0:EAX': 0, '1:EAX': 0 }, satisfies: true },
      { values: { '0:EAX': 0, '1:EAX': 1 }, satisfies: false },
      { values: { '0:EAX': 1, '1:EAX': 0 }, satisfies: false },
      { values: { '0:EAX': 1, '1:EAX': 1 }, satisfies: false },
    ]);
  });

  it('a directory: every .litmus below it in name order, then a summary line', async () => {
    const r = await cli('litmus', sharedPath('litmus', 'x86', 'herdtools7-doc-tst-x86'));
    expect(r.code).toBe(0);
    expect([...r.out.matchAll(/^(X00\d) {2}(\w+)/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual(['X000 Allowed', 'X001 Allowed', 'X002 Allowed', 'X003 Allowed', 'X004 Allowed', 'X005 Allowed', 'X006 Allowed']);
    expect(r.out.trimEnd().split('\n').pop()).toMatch(/^7 tests: 7 Allowed · [\d,]+ states · \d+\.\d+ s$/);
  });

  it('an unsupported instruction: the test is Unsupported, one line names file, line and the supported instructions; exit 2', async () => {
    const r = await cli('litmus', fixture('unsupported.litmus'), '--mm', 'sc', '--json');
    expect(r.code).toBe(2);
    const o = JSON.parse(r.out);
    expect(o).toMatchObject({ name: 'uses-LDSMAX', mm: 'sc', verdict: 'Unsupported', finals: [], states: 0 });
    expect(o.error).toMatch(/unsupported\.litmus:8: unsupported instruction 'LDSMAX' \(supported: ADD, AND, B, B\.cond, CAS, .*\)$/);
    expect(r.err).toBe(`xenmc: ${o.error}\n`);
  });

  it('a malformed file is an Error with its line; the other tests of the run still get their verdicts; exit 2', async () => {
    const r = await cli('litmus', fixture('malformed.litmus'), SB());
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^missing-bracket {2}Error {2}· /);
    expect(r.out).toMatch(/malformed\.litmus:7: expected '\)', found the end/);
    expect(r.out).toMatch(/\nSB {2}Allowed/);
    expect(r.out.trimEnd().split('\n').pop()).toMatch(/^2 tests: 1 Allowed, 1 Error · /);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a run-time fault (an access through an address plus an offset) is an Error naming the instruction\'s line; exit 2', async () => {
    const r = await cli('litmus', fixture('offset.litmus'), '--mm', 'sc');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/offset\.litmus:6: run-time error: an access through an address plus a non-zero offset/);
  });

  it('a bound that cuts the search short: Incomplete, no verdict; exit 3', async () => {
    const r = await cli('litmus', SB(), '--max-states', '5', '--json');
    expect(r.code).toBe(3);
    const o = JSON.parse(r.out);
    expect(o.verdict).toBe('Incomplete');
    expect(o.error).toMatch(/the search was cut short by the state bound \(5 states\)/);
  });

  it('a store buffer that filled up: Incomplete, since deeper buffers allow more; exit 3 (and with room enough, the verdict)', async () => {
    const r = await cli('litmus', fixture('two-buffered.litmus'), '--buffer', '1', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'Incomplete', error: expect.stringMatching(/two-buffered\.litmus: the store buffers filled up \(--buffer 1\), so deeper buffers were not explored; rerun with a larger --buffer$/) });
    const ok = await cli('litmus', fixture('two-buffered.litmus'), '--buffer', '2', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ verdict: 'Allowed' });
  });

  it('a C test without --mm is an Error; with --mm it runs under that architecture\'s mapping', async () => {
    const mp = sharedPath('litmus', 'linux', 'herdtools7-catalogue-linux', 'MP+pooncerelease+poacquireonce.litmus');
    const r = await cli('litmus', mp);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/MP\+pooncerelease\+poacquireonce {2}Error/);
    expect(r.err).toMatch(/a Linux-kernel C test needs a memory model: --mm sc \| tso/);
    const ok = await cli('litmus', mp, '--mm', 'tso');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/Forbidden {2}· .* · tso/);
  });

  it('AArch64 tests default to armv8, and run under it once it is registered; until then they are Unsupported and --mm armv8 is refused', async () => {
    const mp = sharedPath('litmus', 'aarch64', 'herdtools7-catalogue-aarch64', 'MP.litmus');
    const byDefault = await cli('litmus', mp, '--json');
    const explicit = await cli('litmus', mp, '--mm', 'armv8', '--json');
    if (memoryModelInfo('armv8')) {
      expect(byDefault.code).toBe(0);
      expect(JSON.parse(byDefault.out)).toMatchObject({ mm: 'armv8', verdict: 'Allowed' });
      expect(JSON.parse(explicit.out)).toMatchObject({ mm: 'armv8', verdict: 'Allowed' });
    } else {
      expect(byDefault.code).toBe(2);
      expect(JSON.parse(byDefault.out)).toMatchObject({ mm: 'armv8', verdict: 'Unsupported' });
      expect(byDefault.err).toMatch(/memory model 'armv8' is not implemented yet \(implemented: sc, tso/);
      expect(explicit.code).toBe(2);
      expect(explicit.out).toBe('');
      expect(explicit.err).toMatch(/^xenmc: memory model 'armv8' is not implemented yet \(implemented: sc, tso[^)]*\)\n$/);
    }
    const sc = await cli('litmus', mp, '--mm', 'sc', '--json');
    expect(JSON.parse(sc.out)).toMatchObject({ mm: 'sc', verdict: 'Forbidden' });
  });

  it('bad arguments: a path that does not exist, an unknown memory model; one line, exit 2', async () => {
    expect(await cli('litmus', 'no/such.litmus')).toMatchObject({ code: 2, out: '', err: 'xenmc: no such file or directory: no/such.litmus\n' });
    const r = await cli('litmus', SB(), '--mm', 'rc11');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^xenmc: unknown memory model 'rc11' \(memory models: sc, tso/);
  });

  it('the README shows the output as the command prints it (up to the seconds)', async () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const shown = /```\n(SB {2}Allowed[\s\S]*?)```/.exec(readme)![1];
    const r = await cli('litmus', SB());
    const norm = (t: string): string => t.replace(/\d+\.\d{3} s/, 'S s').replace(/· \S*herdtools7-catalogue-x86/, '· herdtools7-catalogue-x86');
    expect(norm(r.out)).toBe(norm(shown));
  });

  it('through the real executable: the same output and exit code, no stack trace', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'xenmc.js'), 'litmus', fixture('unsupported.litmus'), '--mm', 'tso'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("xenmc: test/fixtures/litmus/unsupported.litmus:8: unsupported instruction 'LDSMAX' (supported: " + r.stderr.split('(supported: ')[1]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/^uses-LDSMAX {2}Unsupported {2}· test\/fixtures\/litmus\/unsupported\.litmus · tso\n/);
  });
});
