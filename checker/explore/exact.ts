/**
 * The visited set of exact mode (`--exact`): every state vector is stored whole, in
 * insertion order, so two states are the same only when all their integers are. It is
 * the reference the fingerprint mode is checked against, and it can give back any state
 * by its number (the search numbers states in the order it first reaches them), which
 * liveness checking needs to rebuild cycles.
 *
 * Storage: vectors in fixed-size chunks of an arena; an open-addressing table of state
 * numbers + 1 (0 = empty), probed by one 32-bit lane of the fingerprint.
 */
const CHUNK_STATES = 1 << 14;

export class ExactStateSet {
  private readonly chunks: Int32Array[] = [];
  private table: Int32Array;
  private hashes: Int32Array;
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
    const c = id / CHUNK_STATES | 0;
    if (c === this.chunks.length) this.chunks.push(new Int32Array(CHUNK_STATES * w));
    this.chunks[c].set(s.subarray(0, w), (id % CHUNK_STATES) * w);
    if (id === this.hashes.length) {
      const nh = new Int32Array(this.hashes.length * 2);
      nh.set(this.hashes);
      this.hashes = nh;
    }
    this.hashes[id] = h;
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
    // a plain loop: liveness reads every state back, and a subarray view per call would allocate
    const w = this.width;
    const off = (id % CHUNK_STATES) * w;
    const chunk = this.chunks[id / CHUNK_STATES | 0];
    for (let j = 0; j < w; j++) out[j] = chunk[off + j];
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
  }

  get bytes(): number {
    return this.table.byteLength + this.hashes.byteLength + this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }

  private equals(id: number, s: Int32Array): boolean {
    const w = this.width;
    const chunk = this.chunks[id / CHUNK_STATES | 0];
    const off = (id % CHUNK_STATES) * w;
    for (let j = 0; j < w; j++) if (chunk[off + j] !== s[j]) return false;
    return true;
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
