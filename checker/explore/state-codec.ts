/**
 * The byte encoding of a state vector against a base vector, shared by the stores that
 * keep many states: the BFS frontier (base: the state stored before it) and the exact
 * state sets (base: zeros). State vectors are wide and sparse — most words are 0, or equal
 * to the base — and the encoding spends bytes only on the words that differ.
 *
 * For each word that differs from the base: the number of equal words skipped since the
 * previous difference, as an unsigned LEB128 varint; then the difference (value − base,
 * modulo 2^32), zigzag-encoded so that small negative differences are short too, as a
 * varint. Last, the number of equal words up to the end of the vector, which takes the
 * position to the width and so ends the encoding: a vector equal to its base is one
 * varint. The code is prefix-free for a given width (decoding knows where it ends), so
 * two encodings are of the same vector exactly when one is a prefix of the other.
 *
 * A word takes at most 10 bytes (a 5-byte skip cannot follow a short run, but the bound
 * keeps the arithmetic simple), so `maxEncodedBytes` bounds any vector's encoding.
 */

export function maxEncodedBytes(width: number): number {
  return width * 10 + 5;
}

/** Encodes `s[0..width)` against `base` into `out` from `pos`; returns the position after it. */
export function encodeState(s: Int32Array, base: Int32Array, width: number, out: Uint8Array, pos: number): number {
  let skip = 0;
  for (let i = 0; i < width; i++) {
    const d = (s[i] - base[i]) | 0;
    if (d === 0) { skip++; continue; }
    while (skip >= 0x80) { out[pos++] = (skip & 0x7f) | 0x80; skip >>>= 7; }
    out[pos++] = skip;
    skip = 0;
    let z = ((d << 1) ^ (d >> 31)) >>> 0;
    while (z >= 0x80) { out[pos++] = (z & 0x7f) | 0x80; z >>>= 7; }
    out[pos++] = z;
  }
  while (skip >= 0x80) { out[pos++] = (skip & 0x7f) | 0x80; skip >>>= 7; }
  out[pos++] = skip;
  return pos;
}

/**
 * Applies the encoding at `buf[pos..]` to `into`, which holds its base: afterwards `into`
 * is the encoded vector. Returns the position after the encoding.
 */
export function decodeState(buf: Uint8Array, pos: number, into: Int32Array, width: number): number {
  let i = 0;
  for (;;) {
    let skip = 0, shift = 0, b: number;
    do { b = buf[pos++]; skip |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    i += skip;
    if (i >= width) return pos;
    let z = 0;
    shift = 0;
    do { b = buf[pos++]; z |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    into[i] = (into[i] + ((z >>> 1) ^ -(z & 1))) | 0;
    i++;
  }
}

/** Whether the absolute encoding at `buf[pos..]` is of `s[0..width)`, without decoding it. */
export function equalsAbsolute(buf: Uint8Array, pos: number, s: Int32Array, width: number): boolean {
  let i = 0;
  for (;;) {
    let skip = 0, shift = 0, b: number;
    do { b = buf[pos++]; skip |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    const end = i + skip < width ? i + skip : width;
    for (; i < end; i++) if (s[i] !== 0) return false;
    if (i >= width) return true;
    let z = 0;
    shift = 0;
    do { b = buf[pos++]; z |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    if (s[i] !== ((z >>> 1) ^ -(z & 1))) return false;
    i++;
  }
}
