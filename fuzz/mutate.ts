/**
 * The input generator: fast-check draws a seed and a short list of mutations (flip, overwrite, insert, delete,
 * duplicate, splice another seed, insert a token of the format, cut to length), applied in order. Starting from
 * real captures keeps most inputs close to what a client sends, where the interesting branches are.
 */
import fc from 'fast-check';

export interface FuzzInput {
  seed: number;
  ops: [kind: number, at: number, n: number, bytes: Uint8Array][];
  cuts: number[];
}

export function inputArbitrary(): fc.Arbitrary<FuzzInput> {
  return fc.record({
    seed: fc.nat(),
    ops: fc.array(fc.tuple(fc.nat(9), fc.nat(), fc.nat(64), fc.uint8Array({ maxLength: 8 })), {
      maxLength: 6,
    }),
    cuts: fc.array(fc.nat(), { maxLength: 6 }),
  });
}

/** Applies the mutations of `input` to its seed. */
export function mutate(input: FuzzInput, seeds: readonly Buffer[], dictionary: readonly Buffer[]): Buffer {
  let b = Buffer.from(seeds[input.seed % seeds.length]!);
  for (const [kind, atRaw, n, bytes] of input.ops) {
    const at = b.length === 0 ? 0 : atRaw % (b.length + 1);
    switch (kind) {
      case 0: // flip bits of one byte
        if (at < b.length) b[at] = b[at]! ^ (bytes[0] ?? 1 << (n % 8));
        break;
      case 1: // overwrite with random bytes
        Buffer.from(bytes).copy(b, at);
        break;
      case 2: // insert random bytes
        b = Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
        break;
      case 3: // delete a run
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + n + 1)]);
        break;
      case 4: // duplicate a run
        b = Buffer.concat([b.subarray(0, at + n), b.subarray(at, at + n), b.subarray(at + n)]);
        break;
      case 5: {
        // splice in part of another seed
        const other = seeds[(bytes[0] ?? n) % seeds.length]!;
        const from = other.length === 0 ? 0 : (n * 97) % other.length;
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + 1 + n * 8), b.subarray(at)]);
        break;
      }
      case 6: // insert a token
      case 7:
        if (dictionary.length) {
          const tok = dictionary[(n + (bytes[0] ?? 0)) % dictionary.length]!;
          b = Buffer.concat([b.subarray(0, at), tok, b.subarray(at)]);
        }
        break;
      case 8: // cut to length
        b = b.subarray(0, at);
        break;
      default: // interesting numbers
        if (at + 4 <= b.length) b.writeUInt32LE([0, 0xffffffff, 0x7fffffff, 0x80, 0xff, 0x100][n % 6]!, at);
    }
  }
  return b;
}
