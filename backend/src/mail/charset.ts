/**
 * Repair of text decoded with the wrong charset. Mail often declares `iso-8859-1` or `us-ascii` for
 * bytes that are really UTF-8 (or the other way round); the result is "cafÃ©" for "café". Each suspicious
 * run is turned back into the bytes it came from and decoded as UTF-8 when that is valid.
 */

const CP1252_HIGH: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  ƒ: 0x83,
  '„': 0x84,
  '…': 0x85,
  '†': 0x86,
  '‡': 0x87,
  ˆ: 0x88,
  '‰': 0x89,
  Š: 0x8a,
  '‹': 0x8b,
  Œ: 0x8c,
  Ž: 0x8e,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '˜': 0x98,
  '™': 0x99,
  š: 0x9a,
  '›': 0x9b,
  œ: 0x9c,
  ž: 0x9e,
  Ÿ: 0x9f,
};
const CONTINUATION = `[\\u0080-\\u00BF${Object.keys(CP1252_HIGH).join('')}]`;
/** A UTF-8 lead byte (as Latin-1/CP1252) followed by 1–3 continuation bytes. */
const MOJIBAKE_RUN = new RegExp(
  `[\\u00C2-\\u00DF]${CONTINUATION}|[\\u00E0-\\u00EF]${CONTINUATION}{2}|[\\u00F0-\\u00F4]${CONTINUATION}{3}`,
  'g',
);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function asByte(char: string): number | undefined {
  const code = char.charCodeAt(0);
  if (code <= 0xff) return code;
  return CP1252_HIGH[char];
}

export function repairMojibake(text: string): string {
  if (!/[\u00C2-\u00F4]/.test(text)) return text;
  return text.replace(MOJIBAKE_RUN, (run) => {
    const bytes: number[] = [];
    for (const char of run) {
      const byte = asByte(char);
      if (byte === undefined) return run;
      bytes.push(byte);
    }
    try {
      const decoded = utf8.decode(Uint8Array.from(bytes));
      // Only a single character is a plausible repair of one run.
      return [...decoded].length === 1 ? decoded : run;
    } catch {
      return run;
    }
  });
}

/** Bytes of a file as text: UTF-8 when valid, otherwise Latin-1 so that every byte survives. */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}
