/**
 * The xenmc command line. Exit codes: 0 every checked property holds (verify: every
 * compared verdict agrees); 1 a property is violated (verify: a verdict differs from the
 * expected one); 2 bad input (an unknown model, variant, memory model or parameter, a
 * malformed model file), always as one line naming what is wrong and what is supported;
 * 3 incomplete (a state or time bound cut the search short).
 *
 * Each command lives in checker/cli/<command>.ts and registers itself here.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { isInputError } from './errors.ts';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, type CommandContext, type Io } from './cli/common.ts';
import { registerCheck } from './cli/check.ts';
import { registerList } from './cli/list.ts';
import { registerLitmus } from './cli/litmus.ts';
import { registerVerify } from './cli/verify.ts';

export { EXIT_BAD_INPUT, EXIT_INCOMPLETE, EXIT_INTERNAL, EXIT_OK, EXIT_VIOLATED } from './cli/common.ts';
export type { Io } from './cli/common.ts';

const processIo: Io = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

/** The commands, in the order `--help` lists them. */
const COMMANDS = [registerList, registerCheck, registerVerify, registerLitmus];

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const ctx: CommandContext = { io, setExit: (code) => { exitCode = code; } };
  const program = new Command()
    .name('xenmc')
    .description('Explicit-state model checker for Xen shared-memory protocols under SC, x86-TSO, PSO and ARMv8')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: () => {} });
  for (const register of COMMANDS) register(program, ctx);
  const commands = program.commands.map((c) => c.name()).join(', ');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      io.err(`xenmc: ${e.message.replace(/^error: /, '')}${e.code === 'commander.unknownCommand' ? ` (commands: ${commands})` : ''}`);
      return EXIT_BAD_INPUT;
    }
    if (isInputError(e)) {
      io.err(`xenmc: ${e.oneLine()}`);
      return EXIT_BAD_INPUT;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`xenmc: internal error: ${msg.split('\n')[0]}${process.env.XENMC_DEBUG ? `\n${e instanceof Error ? e.stack : ''}` : ' (set XENMC_DEBUG=1 for the stack trace, and please report it)'}`);
    return EXIT_INTERNAL;
  }
}
