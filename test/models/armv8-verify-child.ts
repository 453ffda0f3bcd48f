/**
 * Runs one cell as `xenmc verify` does, in a process of its own, and prints its runs' rows
 * and results as JSON: for the ARMv8 cells that take minutes, which a test awaits instead
 * of searching in vitest's worker (whose RPC times out while a search holds its event loop).
 *
 *   node --import tsx test/models/armv8-verify-child.ts <model> <variant>
 */
import { verifyModels } from '../../checker/verify.ts';
import { builtinModel } from '../../models/index.ts';

const [name, variant] = process.argv.slice(2);
const model = builtinModel(name);
if (!model) throw new Error(`no built-in model '${name}'`);
const runs = verifyModels([model], { variants: [variant], mms: ['armv8'] });
process.stdout.write(JSON.stringify(runs.map((r) => ({ rows: r.rows, result: r.result, settings: r.settings ?? null }))));
