/** `xenmc list`: the built-in models and the memory models. */
import type { Command } from '@commander-js/extra-typings';
import { ALL_MEMORY_MODEL_NAMES, MEMORY_MODELS, memoryModelInfo } from '../memory/index.ts';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { listJson } from '../../reports/json.ts';
import { renderList } from '../../reports/text.ts';
import type { CommandContext } from './common.ts';

export function registerList(program: Command, { io }: CommandContext): void {
  program
    .command('list')
    .description('list the built-in models (variants, properties, parameters) and the memory models')
    .option('--json', 'print one JSON object')
    .exitOverride()
    .action((opts) => {
      const planned = ALL_MEMORY_MODEL_NAMES.filter((n) => !memoryModelInfo(n));
      io.out(opts.json ? JSON.stringify(listJson(BUILTIN_MODELS, MEMORY_MODELS, planned)) : renderList(BUILTIN_MODELS, MEMORY_MODELS));
    });
}
