/**
 * postal-mime's content decoders (pass-through, quoted-printable, base64) end every MIME part with
 * `new Blob(chunks).arrayBuffer()`: on Node that is a Blob built in C++ and read back through an async
 * stream, which cost a fifth of all parse time on the development corpus (docs/benchmarks.md). The bytes
 * are the same when the chunks are simply concatenated, so this module gives the three decoder classes
 * a `finalize` that does that (strings, which the pass-through decoder adds for line ends, as UTF-8, as
 * a Blob encodes them). The decoders are postal-mime's own ES modules, found next to the package's entry
 * point; if that layout ever changes, nothing is patched and postal-mime works as shipped.
 * Its parse loop also awaits an async `processLine` for every line of the message (a promise and a
 * microtask each: a quarter of its time and most of its garbage); when `parse` is exactly the shipped one,
 * it is replaced by a copy that awaits only the lines that can end a part (parseWithoutAwaitPerLine).
 * `await postalMimeBytesReady` before parsing; test/mail/postal-mime-bytes.test.ts checks the bytes and
 * that both patches are in place.
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

const NEWLINE = encoder.encode('\n');

/** The bytes of `new Blob(chunks)`, concatenated synchronously. */
export function concatChunks(chunks: readonly Chunk[]): ArrayBuffer {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const chunk of chunks) {
    // The pass-through decoder adds "\n" after every line: one shared copy of its bytes.
    const bytes =
      typeof chunk === 'string'
        ? chunk === '\n'
          ? NEWLINE
          : encoder.encode(chunk)
        : chunk instanceof Uint8Array
          ? chunk
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

/** Whether postal-mime's parse loop was replaced by parseWithoutAwaitPerLine. */
export let postalMimeParseLoopPatched = false;

/** postal-mime's own `parse`, kept when it was replaced (the tests compare the two). */
export let shippedPostalMimeParse: ((this: unknown, buf: unknown) => Promise<unknown>) | undefined;

interface PostalMimePrototype {
  parse: (this: PostalMimeState, buf: unknown) => Promise<unknown>;
}

interface PostalMimeState {
  started: boolean;
  buf: ArrayBuffer;
  av: Uint8Array;
  readPos: number;
  boundaries: unknown[];
  currentNode: { feed(line: Uint8Array): void };
  options: { forceRfc822Attachments?: boolean };
  forceRfc822Attachments: boolean;
  root: unknown;
  resolveInput(buf: unknown): Promise<ArrayBuffer>;
  readLine(): { bytes: Uint8Array; done: boolean };
  processLine(line: Uint8Array, isFinal: boolean): Promise<void>;
  hasReportParts(): boolean;
  collectNode(node: unknown, a: boolean, b: boolean): Promise<void>;
  renderTextContent(): void;
  buildMessage(): unknown;
  encodeAttachments(): void;
}

/** postal-mime 4.0's `parse`, whitespace aside: the loop is replaced only while it is exactly this. */
const SHIPPED_PARSE = `async parse(buf) {
  if (this.started) { throw new Error('Can not reuse parser, create a new PostalMime object'); }
  this.started = true;
  this.buf = await this.resolveInput(buf);
  this.av = new Uint8Array(this.buf);
  this.readPos = 0;
  while (this.readPos < this.av.length) {
    const line = this.readLine();
    await this.processLine(line.bytes, line.done);
  }
  this.forceRfc822Attachments = Boolean(this.options.forceRfc822Attachments) || this.hasReportParts();
  await this.collectNode(this.root, false, false);
  this.renderTextContent();
  const message = this.buildMessage();
  this.encodeAttachments();
  return message;
}`;

function sameSource(fn: unknown, source: string): boolean {
  const squash = (text: string) => text.replace(/\s+/g, '');
  return typeof fn === 'function' && squash(fn.toString()) === squash(source);
}

/**
 * postal-mime's `parse` with one change: `processLine` (async, so one promise and one microtask per line)
 * is awaited only for a line that can be a MIME boundary ("--" while boundaries are open) or is the last
 * one. For any other line it does nothing but `this.currentNode.feed(line)`, which is called directly.
 */
async function parseWithoutAwaitPerLine(this: PostalMimeState, buf: unknown): Promise<unknown> {
  if (this.started) {
    throw new Error('Can not reuse parser, create a new PostalMime object');
  }
  this.started = true;
  this.buf = await this.resolveInput(buf);
  this.av = new Uint8Array(this.buf);
  this.readPos = 0;
  while (this.readPos < this.av.length) {
    const line = this.readLine();
    const bytes = line.bytes;
    const mayBeBoundary = this.boundaries.length > 0 && bytes.length > 2 && bytes[0] === 0x2d && bytes[1] === 0x2d;
    if (line.done || mayBeBoundary) await this.processLine(bytes, line.done);
    else this.currentNode.feed(bytes);
  }
  this.forceRfc822Attachments = Boolean(this.options.forceRfc822Attachments) || this.hasReportParts();
  await this.collectNode(this.root, false, false);
  this.renderTextContent();
  const message = this.buildMessage();
  this.encodeAttachments();
  return message;
}

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
    const parser = (await load('postal-mime.js')) as unknown as PostalMimePrototype | undefined;
    if (parser && sameSource(parser.parse, SHIPPED_PARSE)) {
      shippedPostalMimeParse = parser.parse as (this: unknown, buf: unknown) => Promise<unknown>;
      parser.parse = parseWithoutAwaitPerLine;
      postalMimeParseLoopPatched = true;
    }
  } catch {
    // postal-mime as shipped
  }
}

export const postalMimeBytesReady: Promise<void> = install();
