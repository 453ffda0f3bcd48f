/**
 * One level of the breadth-first search's frontier: the states reached but not yet
 * expanded, stored encoded in byte chunks rather than as whole state vectors.
 *
 * Why: a state vector under a weak memory model is wide (643 32-bit words for vits under
 * ARMv8, 1142 under PSO: slots for the writes in flight at each location) but mostly
 * zeros, and consecutive states of a level are mostly equal, being successors of one
 * state or of neighbouring ones. Whole vectors made the frontier the search's memory limit
 * (2.5 KB a state for vits under ARMv8) while the visited set holds 8 bytes a state. Here
 * a state takes the bytes of what differs from the state appended before it
 * (state-codec.ts), and a level's states are read back in the order they were appended.
 *
 * Chunks: a state never spans two chunks (a chunk is begun when the worst case of one more
 * state would not fit), so writing is a flat loop. Reading releases each chunk once passed
 * to a pool the other level writes into: a level being expanded and the level it fills
 * together hold about the bytes of both, with no doubling copies.
 *
 * Specification (test/checker/explore/frontier.test.ts, against the list of vectors
 * appended, over random vectors and widths that cross chunk boundaries):
 *   F1. After appending s_1 … s_n and `beginReading`, `read` n times yields s_1 … s_n in
 *       order (as the level's vector `current`), then `remaining` is 0.
 *   F2. `count` is the number appended; `remaining` is count minus the number read.
 *   F3. `reset` empties the level for reuse, its chunks going to the pool.
 */
import { decodeState, encodeState, maxEncodedBytes } from './state-codec.ts';

const DEFAULT_CHUNK_BYTES = 1 << 22;

export class Frontier {
  private readonly chunks: (Uint8Array | null)[] = [];
  /** how far each chunk but the one being written was filled */
  private readonly fills: number[] = [];
  private readonly chunkBytes: number;
  private readonly worst: number;
  private wChunk: Uint8Array | null = null;
  private wPos = 0;
  /** the state appended last: the next one is encoded against it */
  private readonly last: Int32Array;
  private rIndex = 0;
  private rPos = 0;
  /** the state read last (valid until the next `read`): the next one is decoded onto it */
  readonly current: Int32Array;
  /** states appended */
  count = 0;
  /** states read since `beginReading` */
  private taken = 0;

  /** `pool` is shared by the two levels that alternate, so one's released chunks serve the other. */
  constructor(readonly width: number, private readonly pool: Uint8Array[] = [], chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.worst = maxEncodedBytes(width);
    this.chunkBytes = Math.max(chunkBytes, 2 * this.worst);
    this.last = new Int32Array(width);
    this.current = new Int32Array(width);
  }

  get remaining(): number {
    return this.count - this.taken;
  }

  /** bytes the encoded states take */
  get bytesWritten(): number {
    let n = this.wChunk === null ? 0 : this.wPos;
    for (const f of this.fills) n += f;
    return n;
  }

  append(s: Int32Array): void {
    let c = this.wChunk;
    if (c === null || this.wPos + this.worst > c.length) {
      if (c !== null) this.fills.push(this.wPos);
      c = this.pool.pop() ?? new Uint8Array(this.chunkBytes);
      this.chunks.push(c);
      this.wChunk = c;
      this.wPos = 0;
    }
    this.wPos = encodeState(s, this.last, this.width, c, this.wPos);
    this.last.set(s.subarray(0, this.width));
    this.count++;
  }

  /** Switches to reading, from the first state appended. */
  beginReading(): void {
    this.rIndex = 0;
    this.rPos = 0;
    this.taken = 0;
    this.current.fill(0);
  }

  /** Decodes the next state into `current` and returns it. */
  read(): Int32Array {
    // The next state starts in this chunk iff the writer filled it past here.
    if (this.rPos >= this.fill(this.rIndex)) {
      this.release(this.rIndex);
      this.rIndex++;
      this.rPos = 0;
    }
    this.rPos = decodeState(this.chunks[this.rIndex]!, this.rPos, this.current, this.width);
    this.taken++;
    return this.current;
  }

  /** Empties the level, returning its chunks to the pool. */
  reset(): void {
    for (let k = 0; k < this.chunks.length; k++) this.release(k);
    this.chunks.length = 0;
    this.fills.length = 0;
    this.wChunk = null;
    this.wPos = 0;
    this.count = 0;
    this.taken = 0;
    this.last.fill(0);
  }

  /** How far chunk k was written. */
  private fill(k: number): number {
    return k === this.chunks.length - 1 ? this.wPos : this.fills[k];
  }

  private release(k: number): void {
    const c = this.chunks[k];
    if (c === null) return;
    this.chunks[k] = null;
    this.pool.push(c);
  }
}
