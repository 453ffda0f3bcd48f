/** The README shows what is true: its set-up commands, and the example model verbatim. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './shared.ts';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('opens with the two set-up commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
    expect(firstBlock).toContain('npm ci && npm run verify');
    expect(firstBlock).toContain('npm ci && npm test');
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
  });

  it('shows examples/message-passing.ts exactly as it is', () => {
    const example = readFileSync(path.join(repoRoot, 'examples', 'message-passing.ts'), 'utf8');
    expect(readme).toContain(example.trimEnd());
  });

  it('shows the C-B1 lasso as the checker prints it: the loop, its end and why it is fair', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'xenmc.js'), 'check', 'arm-io-retry', '--variant', 'C-B1', '--property', 'C3', '--no-progress'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    const from = lines.findIndex((l) => l.includes('─── loop:'));
    const to = lines.findIndex((l) => l.trim().startsWith('threads:'));
    expect(from).toBeGreaterThan(0);
    expect(readme).toContain(lines.slice(from, to + 1).join('\n'));
    expect(readme).toContain(lines.find((l) => l.startsWith('C3 violated'))!);
  });

  it('the example it points to, examples/io-retry.ts, is a lasso when re-emulation checks the live state and holds with the private copy', () => {
    const run = (variant: string) => spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'xenmc.js'), 'check', 'examples/io-retry.ts', '--variant', variant, '--json'], { cwd: repoRoot, encoding: 'utf8' });
    const live = JSON.parse(run('live').stdout) as { properties: { id: string; verdict: string; trace?: { loop?: number } }[] };
    const done = live.properties.find((p) => p.id === 'DONE')!;
    expect(done.verdict).toBe('violated');
    expect(done.trace!.loop).toBeGreaterThanOrEqual(0);
    const fixed = JSON.parse(run('private').stdout) as { verdict: string };
    expect(fixed.verdict).toBe('holds');
  });

  it('states the .ci/run command that CI runs', () => {
    const ci = readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
