/**
 * Errors that are the user's input, not our bug: a malformed model, an unknown option
 * value, an unreadable file. The CLI prints each as one line and exits 2; anything else
 * that escapes is a defect in xenmc and is reported as such.
 */
import type { SourcePos } from './ir.ts';
import { formatPosition } from './source.ts';

export type InputErrorKind = 'model' | 'usage' | 'file';

export class InputError extends Error {
  readonly kind: InputErrorKind;
  readonly pos: SourcePos | null;

  constructor(kind: InputErrorKind, message: string, pos: SourcePos | null = null) {
    super(message);
    this.name = 'InputError';
    this.kind = kind;
    this.pos = pos;
  }

  /** `file:line: message`, the one line the CLI prints. */
  oneLine(): string {
    return this.pos ? `${formatPosition(this.pos)}: ${this.message}` : this.message;
  }
}

/** A model that the builder or the validator rejects, located at the offending builder call. */
export const modelError = (message: string, pos: SourcePos | null): InputError => new InputError('model', message, pos);

/** A command line that asks for something that does not exist or is out of range. */
export const usageError = (message: string): InputError => new InputError('usage', message);

export const isInputError = (e: unknown): e is InputError => e instanceof InputError;
