/**
 * The visited set of exact mode (`--exact`): every state vector is stored whole, in
 * insertion order, so two states are the same only when all their integers are. It is
 * the reference the fingerprint mode is checked against, and it can give back any state
 * by its number (the search numbers states in the order it first reaches them), which
 * liveness checking needs to rebuild cycles.
 *
 * It is also the exact cache of certification (explore/certification.ts), keyed by a
 * thread's part of the state.
 *
 * Storage: each vector encoded against zeros (state-codec.ts: sparse vectors take the bytes
 * of their non-zero words, 643-word ARMv8 states a few dozen), appended to byte chunks of
 * an arena, its offset kept by number; an open-addressing table of state numbers + 1
 * (0 = empty), probed by one 32-bit lane of the fingerprint. A lookup compares the stored
 * encoding with the vector directly, without decoding it.
 */
import { decodeState, encodeState, equalsAbsolute, maxEncodedBytes } from './state-codec.ts';

const FIRST_CHUNK_BYTES = 1 << 16;
const MAX_CHUNK_BYTES = 1 << 22;

export class ExactStateSet {
  private readonly chunks: Uint8Array[] = [];
  /** the chunk being appended to, and where */
  private wIndex = 0;
  private wPos = 0;
  private readonly worst: number;
  private readonly zeros: Int32Array;
  private table: Int32Array;
  private hashes: Int32Array;
  /** by state number: where its encoding starts, as chunk index × 2^32 + offset */
  private where: Float64Array;
  private mask: number;
  private limit: number;
  size = 0;
  /** the number of the state the last `add` found or inserted (the liveness graph's edge target) */
  lastId = -1;

  private readonly initialCapacity: number;

  constructor(readonly width: number, initialCapacityLog2 = 16) {
    const cap = 1 << initialCapacityLog2;
    this.initialCapacity = cap;
    this.table = new Int32Array(cap);
    this.hashes = new Int32Array(1024);
    this.where = new Float64Array(1024);
    this.worst = maxEncodedBytes(width);
    this.zeros = new Int32Array(width);
    this.mask = cap - 1;
    this.limit = Math.floor(cap * 0.7);
  }

  /** Adds the state `s[0..width)` with precomputed hash `h`; true when it was new. */
  add(s: Int32Array, h: number): boolean {
    return this.insert(s, h) >= 0;
  }

  /** Adds `s[0..width)` (hash `h`): its new number, or -(number + 1) when it was there already. */
  insert(s: Int32Array, h: number): number {
    const w = this.width;
    let i = h & this.mask;
    for (;;) {
      const e = this.table[i];
      if (e === 0) break;
      const id = e - 1;
      if (this.hashes[id] === h && this.equals(id, s)) { this.lastId = id; return -(id + 1); }
      i = (i + 1) & this.mask;
    }
    const id = this.size;
    if (id === this.hashes.length) {
      const nh = new Int32Array(this.hashes.length * 2);
      nh.set(this.hashes);
      this.hashes = nh;
      const nw = new Float64Array(this.where.length * 2);
      nw.set(this.where);
      this.where = nw;
    }
    this.hashes[id] = h;
    let chunk = this.chunks[this.wIndex];
    if (chunk === undefined || this.wPos + this.worst > chunk.length) {
      if (chunk !== undefined) { this.wIndex++; this.wPos = 0; }
      chunk = this.chunks[this.wIndex];
      if (chunk === undefined) {
        // chunks double up to a cap, so the many small sets of certification stay small
        const size = Math.max(2 * this.worst, Math.min(MAX_CHUNK_BYTES, FIRST_CHUNK_BYTES << this.wIndex));
        chunk = new Uint8Array(size);
        this.chunks.push(chunk);
      }
    }
    this.where[id] = this.wIndex * 2 ** 32 + this.wPos;
    this.wPos = encodeState(s, this.zeros, w, chunk, this.wPos);
    this.table[i] = id + 1;
    this.lastId = id;
    if (++this.size > this.limit) this.grow();
    return id;
  }

  /** Whether state number `id` equals `s[0..width)`. */
  is(id: number, s: Int32Array): boolean {
    return this.equals(id, s);
  }

  /** Copies state number `id` into `out`. */
  get(id: number, out: Int32Array): void {
    const at = this.where[id];
    const c = Math.floor(at / 2 ** 32);
    out.fill(0, 0, this.width);
    decodeState(this.chunks[c], at - c * 2 ** 32, out, this.width);
  }

  /** Forget every state (keeping the storage, unless the table grew large), for sets reused many times. */
  clear(): void {
    if (this.size === 0) return;
    if (this.table.length > this.initialCapacity * 16) {
      this.table = new Int32Array(this.initialCapacity);
      this.mask = this.initialCapacity - 1;
      this.limit = Math.floor(this.initialCapacity * 0.7);
    } else {
      this.table.fill(0);
    }
    this.size = 0;
    this.lastId = -1;
    this.wIndex = 0;
    this.wPos = 0;
  }

  get bytes(): number {
    return this.table.byteLength + this.hashes.byteLength + this.where.byteLength + this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }

  private equals(id: number, s: Int32Array): boolean {
    const at = this.where[id];
    const c = Math.floor(at / 2 ** 32);
    return equalsAbsolute(this.chunks[c], at - c * 2 ** 32, s, this.width);
  }

  private grow(): void {
    const cap = this.table.length * 2;
    const table = new Int32Array(cap);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      let i = this.hashes[id] & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = id + 1;
    }
    this.table = table;
    this.mask = mask;
    this.limit = Math.floor(cap * 0.7);
  }
}
