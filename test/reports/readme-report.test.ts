/**
 * The README's counterexample-report section shows what is true: the command's output as
 * the CLI prints it (timings aside), the picture it names, and the Chromium that .ci/run
 * installs for the HTML-report tests.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../checker/cli.ts';
import { repoRoot } from '../shared.ts';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Counterexample reports'), readme.indexOf('## Writing your own model'));
const noTimes = (s: string) => s.replace(/ \d+\.\d+ s /g, ' T s ');

describe('README: counterexample reports', () => {
  it('shows the command and exactly what it prints', async () => {
    expect(section).toContain('npx xenmc check ioreq --variant A-B5 --mm tso --report out/A-B5');
    const shown = /prints the shortest counterexample[^\n]*\n\n```\n([\s\S]*?)```/.exec(section)![1];
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'xenmc-readme-')), 'out', 'A-B5');
    let out = '';
    const code = await main(['check', 'ioreq', '--variant', 'A-B5', '--mm', 'tso', '--no-progress', '--report', dir], { out: (s) => { out += `${s}\n`; }, err: () => {} });
    expect(code).toBe(1);
    expect(noTimes(shown)).toBe(noTimes(out.split(path.dirname(path.dirname(dir)) + path.sep).join('')));
  });

  it('shows a picture of the HTML report that exists', () => {
    const png = /!\[[^\]]*\]\((docs\/[^)]+\.png)\)/.exec(section)![1];
    const bytes = readFileSync(path.join(repoRoot, png));
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(50_000);
  });

  it('says the tests need Chromium, which .ci/run installs before npm ci && npm test', () => {
    expect(readme).toMatch(/apt-get install -y chromium/);
    const ci = readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/apt-get install -y[^\n]* chromium/);
    expect(ci.indexOf('chromium')).toBeLessThan(ci.indexOf('\nnpm ci'));
    expect(existsSync(path.join(repoRoot, 'docs', 'screenshot.ts'))).toBe(true);
  });
});
