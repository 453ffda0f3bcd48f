/**
 * Finding the model a command names: a built-in one by name, or a user's TypeScript (or
 * JavaScript) module by path. A user's module is loaded through the same loader the CLI
 * runs under (tsx), and imports the API as 'xenmc', which bin/xenmc.js resolves to this
 * package wherever the file lives.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, usageError } from './errors.ts';
import { isModel, type Model } from './model.ts';
import { BUILTIN_MODELS, builtinModel } from '../models/index.ts';

export const looksLikePath = (arg: string): boolean => /[\\/]/.test(arg) || /\.(m?[jt]s)$/.test(arg);

export async function loadModel(arg: string): Promise<Model> {
  if (!looksLikePath(arg)) {
    const m = builtinModel(arg);
    if (m) return m;
    throw usageError(`unknown model '${arg}' (built-in models: ${BUILTIN_MODELS.map((x) => x.name).join(', ')}; or give the path of a .ts model file)`);
  }
  const file = path.resolve(arg);
  if (!existsSync(file)) throw new InputError('file', `cannot read model file '${arg}': no such file`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('model', describeLoadError(e, file));
  }
  const candidates = [mod.default, mod.model, ...Object.values(mod)];
  const model = candidates.find(isModel);
  if (!model) {
    throw new InputError('model', `${arg}: the file does not export a model (write \`export default defineModel({ ... })\`, with defineModel imported from 'xenmc')`);
  }
  return model;
}

/** One line naming the file and line of a syntax or evaluation error in a user model. */
function describeLoadError(e: unknown, file: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const rel = path.relative(process.cwd(), file) || file;
  // esbuild: "Transform failed with 1 error:\n/abs/file.ts:3:7: ERROR: Expected ..."
  const esb = /([^\s:]+\.m?[jt]s):(\d+):(\d+): ERROR: (.*)/.exec(msg);
  if (esb) return `${rel}:${esb[2]}: syntax error: ${esb[4]}`;
  const stack = e instanceof Error ? e.stack ?? '' : '';
  const frame = stack.split('\n').find((l) => l.includes(file));
  const line = frame ? /:(\d+):\d+\)?\s*$/.exec(frame)?.[1] : undefined;
  const first = msg.split('\n')[0];
  return line ? `${rel}:${line}: ${first}` : `${rel}: ${first}`;
}
