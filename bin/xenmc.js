#!/usr/bin/env node
// The xenmc executable. xenmc is written in TypeScript and runs from its sources through
// tsx (Node 20 cannot strip types itself), so user models written in TypeScript load the
// same way. `import ... from 'xenmc'` in a user's model resolves to this package wherever
// the model file lives (see loader-hooks.js).
import { register } from 'node:module';
import { register as registerTypeScript } from 'tsx/esm/api';

registerTypeScript();
register('./loader-hooks.js', import.meta.url);
const { main } = await import('../checker/cli.ts');
process.exitCode = await main(process.argv.slice(2));
