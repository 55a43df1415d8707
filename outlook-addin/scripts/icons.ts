// Draws Steward's icons as PNGs (no image tools needed): a blue rounded square with a white envelope
// and check mark, and the white-on-transparent outline the unified manifest asks for.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export const ICON_SIZES = [16, 32, 64, 80, 128, 192] as const;
const BRAND: [number, number, number] = [0x0f, 0x6c, 0xbd];

export async function renderIcons(dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const size of ICON_SIZES) {
    const file = join(dir, `icon-${size}.png`);
    await writeFile(file, iconPng(size));
    written.push(file);
  }
  const outline = join(dir, 'outline-32.png');
  await writeFile(outline, iconPng(32, true));
  written.push(outline);
  return written;
}

/** One icon as PNG bytes; `outline` is the white-on-transparent variant. */
export function iconPng(size: number, outline = false): Buffer {
  return encodePng(size, size, draw(size, outline));
}

/** RGBA pixels, 4× supersampled for smooth edges. */
function draw(size: number, outline: boolean): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let background = 0;
      let mark = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (x + (sx + 0.5) / samples) / size;
          const v = (y + (sy + 0.5) / samples) / size;
          if (insideRoundedSquare(u, v)) background++;
          if (onEnvelope(u, v)) mark++;
        }
      }
      const n = samples * samples;
      const i = (y * size + x) * 4;
      if (outline) {
        // White strokes on transparent: the envelope only.
        pixels.set([255, 255, 255, Math.round((255 * mark) / n)], i);
      } else {
        const markShare = mark / n;
        const mix = (c: number) => Math.round(c * (1 - markShare) + 255 * markShare);
        pixels.set([mix(BRAND[0]), mix(BRAND[1]), mix(BRAND[2]), Math.round((255 * background) / n)], i);
      }
    }
  }
  return pixels;
}

function insideRoundedSquare(u: number, v: number): boolean {
  const r = 0.2;
  const dx = Math.max(Math.abs(u - 0.5) - (0.5 - r), 0);
  const dy = Math.max(Math.abs(v - 0.5) - (0.5 - r), 0);
  return dx * dx + dy * dy <= r * r;
}

function onEnvelope(u: number, v: number): boolean {
  const stroke = 0.07;
  const [left, right, top, bottom] = [0.2, 0.8, 0.3, 0.72];
  const inBox = u >= left && u <= right && v >= top && v <= bottom;
  if (!inBox) return false;
  const nearEdge = u - left < stroke || right - u < stroke || v - top < stroke || bottom - v < stroke;
  // The flap: two lines from the top corners to the middle.
  const flapY = top + (0.5 - Math.abs(u - 0.5)) * 0.75;
  const nearFlap = Math.abs(v - flapY) < stroke * 0.8;
  return nearEdge || nearFlap;
}

function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
