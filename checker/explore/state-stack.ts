/**
 * The pending states of the depth-first search: a stack of state vectors, each with its
 * number and depth, stored encoded against zeros (state-codec.ts) in byte chunks.
 *
 * An entry is the encoded vector followed by a trailer of three 32-bit words — the state's
 * number, its depth and the encoding's length — so `pop` finds the top entry's start from
 * its end. An entry never spans two chunks; a chunk emptied by popping is kept as the one
 * spare, so a stack that oscillates at a chunk boundary does not allocate.
 *
 * Specification (test/checker/explore/state-stack.test.ts, against an array used as a
 * stack, over random interleavings of push and pop across chunk boundaries):
 *   K1. `pop` returns the vector, number and depth of the most recent `push` not yet popped.
 *   K2. `size` is the number pushed and not popped.
 */
import { decodeState, encodeState, maxEncodedBytes } from './state-codec.ts';

const DEFAULT_CHUNK_BYTES = 1 << 22;
const TRAILER = 12;

export class StateStack {
  private readonly chunks: Uint8Array[] = [];
  /** how far each chunk below the top one is filled */
  private readonly fills: number[] = [];
  private top = -1;
  private pos = 0;
  private spare: Uint8Array | null = null;
  private readonly chunkBytes: number;
  private readonly worst: number;
  private readonly zeros: Int32Array;
  private readonly words = new Int32Array(3);
  private readonly wordBytes = new Uint8Array(this.words.buffer);
  /** the vector popped last (valid until the next `pop`) */
  readonly current: Int32Array;
  /** the number and depth of the state popped last */
  poppedId = -1;
  poppedDepth = -1;
  size = 0;

  constructor(readonly width: number, chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.worst = maxEncodedBytes(width) + TRAILER;
    this.chunkBytes = Math.max(chunkBytes, 2 * this.worst);
    this.zeros = new Int32Array(width);
    this.current = new Int32Array(width);
  }

  push(s: Int32Array, id: number, depth: number): void {
    let c = this.chunks[this.top];
    if (c === undefined || this.pos + this.worst > c.length) {
      if (c !== undefined) this.fills.push(this.pos);
      c = this.spare ?? new Uint8Array(this.chunkBytes);
      this.spare = null;
      this.chunks.push(c);
      this.top++;
      this.pos = 0;
    }
    const start = this.pos;
    let p = encodeState(s, this.zeros, this.width, c, start);
    const w = this.words;
    w[0] = id;
    w[1] = depth;
    w[2] = p - start;
    const b = this.wordBytes;
    for (let k = 0; k < TRAILER; k++) c[p++] = b[k];
    this.pos = p;
    this.size++;
  }

  /** Pops the top entry into `current`, `poppedId` and `poppedDepth`; returns `current`. */
  pop(): Int32Array {
    if (this.pos === 0) {
      this.spare = this.chunks.pop()!;
      this.top--;
      this.pos = this.fills.pop()!;
    }
    const c = this.chunks[this.top];
    const end = this.pos - TRAILER;
    const b = this.wordBytes;
    for (let k = 0; k < TRAILER; k++) b[k] = c[end + k];
    const w = this.words;
    const start = end - w[2];
    this.current.fill(0);
    decodeState(c, start, this.current, this.width);
    this.poppedId = w[0];
    this.poppedDepth = w[1];
    this.pos = start;
    this.size--;
    return this.current;
  }
}
