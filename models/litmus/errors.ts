/**
 * The two ways a litmus file can fail before it is run, as herd distinguishes them: the
 * file is malformed (a syntax error: `Error`), or it is well formed but uses something
 * xenmc does not model — an instruction, an addressing mode, a primitive, an
 * architecture (`Unsupported`). Both are InputErrors naming the file and line, printed as
 * one line, and neither ever gets a verdict.
 */
import { InputError } from '../../checker/errors.ts';
import type { SourcePos } from '../../checker/ir.ts';

export class LitmusSyntaxError extends InputError {
  constructor(message: string, pos: SourcePos) {
    super('model', message, pos);
    this.name = 'LitmusSyntaxError';
  }
}

export class LitmusUnsupportedError extends InputError {
  constructor(message: string, pos: SourcePos) {
    super('model', message, pos);
    this.name = 'LitmusUnsupportedError';
  }
}

/** Where an error in a litmus file is reported: the file and a 1-based line. */
export interface Where {
  readonly file: string;
  readonly line: number;
}

export const at = (w: Where, column = 1): SourcePos => ({ file: w.file, line: w.line, column });

export const syntaxError = (w: Where, message: string): LitmusSyntaxError => new LitmusSyntaxError(message, at(w));
export const unsupported = (w: Where, message: string): LitmusUnsupportedError => new LitmusUnsupportedError(message, at(w));

/** `unsupported instruction 'XYZ' (supported: ...)`: the one message every instruction parser gives. */
export const unsupportedInstruction = (w: Where, mnemonic: string, supported: readonly string[]): LitmusUnsupportedError =>
  unsupported(w, `unsupported instruction '${mnemonic}' (supported: ${supported.join(', ')})`);
