/**
 * postal-mime's content decoders (pass-through, quoted-printable, base64) end every MIME part with
 * `new Blob(chunks).arrayBuffer()`: on Node that is a Blob built in C++ and read back through an async
 * stream, which cost a fifth of all parse time on the development corpus (docs/benchmarks.md). The bytes
 * are the same when the chunks are simply concatenated, so this module gives the three decoder classes
 * a `finalize` that does that (strings, which the pass-through decoder adds for line ends, as UTF-8, as
 * a Blob encodes them). The decoders are postal-mime's own ES modules, found next to the package's entry
 * point; if that layout ever changes, nothing is patched and postal-mime works as shipped.
 * `await postalMimeBytesReady` before parsing; test/mail/postal-mime-bytes.test.ts checks the bytes.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chunk = ArrayBuffer | ArrayBufferView | string;

interface DecoderPrototype {
  chunks?: Chunk[];
  flushBuffer?: () => void;
  flushRemainder?: () => void;
  finalize: () => Promise<ArrayBuffer>;
}

const encoder = new TextEncoder();

/** The bytes of `new Blob(chunks)`, concatenated synchronously. */
export function concatChunks(chunks: readonly Chunk[]): ArrayBuffer {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const chunk of chunks) {
    const bytes =
      typeof chunk === 'string'
        ? encoder.encode(chunk)
        : chunk instanceof ArrayBuffer
          ? new Uint8Array(chunk)
          : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    parts.push(bytes);
    length += bytes.byteLength;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

/** Whether the decoders were patched (false: postal-mime's own Blob path is in use). */
export let postalMimeBytesPatched = false;

async function install(): Promise<void> {
  try {
    const entry = createRequire(import.meta.url).resolve('postal-mime');
    const esm = join(dirname(entry), '..', 'esm');
    const load = async (file: string) =>
      ((await import(pathToFileURL(join(esm, file)).href)) as { default?: { prototype?: DecoderPrototype } }).default
        ?.prototype;
    const [passThrough, qp, base64] = await Promise.all([
      load('pass-through-decoder.js'),
      load('qp-decoder.js'),
      load('base64-decoder.js'),
    ]);
    if (!passThrough || !qp || !base64) return;
    if (typeof qp.flushBuffer !== 'function' || typeof base64.flushRemainder !== 'function') return;
    passThrough.finalize = function (this: DecoderPrototype) {
      return Promise.resolve(concatChunks(this.chunks ?? []));
    };
    qp.finalize = function (this: DecoderPrototype) {
      this.flushBuffer?.();
      return Promise.resolve(concatChunks(this.chunks ?? []));
    };
    base64.finalize = function (this: DecoderPrototype) {
      this.flushRemainder?.();
      return Promise.resolve(concatChunks(this.chunks ?? []));
    };
    postalMimeBytesPatched = true;
  } catch {
    // postal-mime as shipped
  }
}

export const postalMimeBytesReady: Promise<void> = install();
