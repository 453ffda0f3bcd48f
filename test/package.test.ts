/**
 * xenmc installed as a dependency of another project, from the tarball `npm pack` makes:
 * the user's model imports 'xenmc', their own tsc type-checks it against the shipped
 * declarations, and `npx xenmc check` runs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './shared.ts';

describe('xenmc as an installed dependency', () => {
  it('packs, installs into a fresh project, type-checks a user model and checks it', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'xenmc-pack-'));
    const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    npm(['pack', '--pack-destination', work], repoRoot);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const proj = path.join(work, 'project');
    execFileSync('mkdir', [proj]);
    writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }));
    writeFileSync(path.join(proj, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true },
      include: ['model.ts'],
    }));
    copyFileSync(path.join(repoRoot, 'examples', 'message-passing.ts'), path.join(proj, 'model.ts'));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, tarball)], proj);
    // the user's own type-check, against the declarations the package ships
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', proj], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const run = spawnSync(path.join(proj, 'node_modules', '.bin', 'xenmc'), ['check', 'model.ts', '--variant', 'unfenced', '--mm', 'tso', '--no-progress'], { cwd: proj, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/MP\s+holds/);
  }, 180_000);
});
