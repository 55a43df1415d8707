/**
 * postal-mime-bytes.ts replaces postal-mime's Blob round trip at the end of each MIME part with a plain
 * concatenation: the decoded bytes, and so the parsed text, must be exactly what the Blob gave.
 */
import fc from 'fast-check';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { normaliseMessage } from '../../src/mail/normalise.ts';
import {
  concatChunks,
  postalMimeBytesPatched,
  postalMimeBytesReady,
  postalMimeParseLoopPatched,
  shippedPostalMimeParse,
} from '../../src/mail/postal-mime-bytes.ts';

describe('postal-mime decoders without Blob', () => {
  it('concatenates chunks to the bytes a Blob holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 20 }),
            fc.uint8Array({ maxLength: 40 }),
            fc.uint8Array({ maxLength: 40 }).map((bytes) => bytes.slice().buffer),
            fc
              .uint8Array({ minLength: 4, maxLength: 40 })
              .map((bytes) => new Uint8Array(bytes.buffer, 1, bytes.length - 2)),
          ),
          { maxLength: 8 },
        ),
        async (chunks) => {
          const viaBlob = new Uint8Array(await new Blob(chunks).arrayBuffer());
          expect(new Uint8Array(concatChunks(chunks))).toEqual(viaBlob);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('patches postal-mime and parses quoted-printable, base64 and multipart bodies as before', async () => {
    await postalMimeBytesReady;
    expect(postalMimeBytesPatched).toBe(true);
    expect(postalMimeParseLoopPatched).toBe(true);
    const qp = await normaliseMessage({
      id: 'qp',
      raw: [
        'From: Ann <ann@example.com>',
        'To: bob@example.com',
        'Subject: caf=C3=A9',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Caf=C3=A9 at ten? The long line is so=',
        'ft-broken here.',
        '',
      ].join('\r\n'),
    });
    expect(qp.text).toBe('Café at ten? The long line is soft-broken here.');
    const multipart = await normaliseMessage({
      id: 'mp',
      raw: [
        'From: ann@example.com',
        'To: bob@example.com',
        'Subject: two parts',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('Gr\xfc\xdfe aus K\xf6ln.\n', 'latin1').toString('base64'),
        '--b1',
        'Content-Type: application/octet-stream; name="a.bin"',
        'Content-Disposition: attachment; filename="a.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from([0, 1, 2, 3, 254, 255]).toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    });
    expect(multipart.text).toBe('Grüße aus Köln.');
    expect(multipart.attachments).toEqual([{ mimeType: 'application/octet-stream', size: 6, filename: 'a.bin' }]);
  });

  it('parses every message as the shipped parse loop does (one await per line)', async () => {
    await postalMimeBytesReady;
    const shippedParse = shippedPostalMimeParse;
    if (!shippedParse) throw new Error('postal-mime parse loop was not replaced');
    const line = fc.constantFrom(
      '--b1',
      '--b1--',
      '--b1  ',
      '--b2',
      '--b2--',
      '--b1x',
      '-- ',
      '--',
      '-',
      '',
      'text line',
      'Content-Type: multipart/alternative; boundary="b2"',
      'Content-Type: text/html',
      'Content-Transfer-Encoding: quoted-printable',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="x.txt"',
      'caf=C3=A9 so=',
      'aGVsbG8gd29ybGQ=',
      '<p>hi</p>',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom('\r\n', '\n'),
        fc.boolean(),
        async (lines, eol, endsWithEol) => {
          const head = ['From: a@example.com', 'Subject: s', 'Content-Type: multipart/mixed; boundary="b1"', ''];
          const raw = [...head, ...lines].join(eol) + (endsWithEol ? eol : '');
          const bytes = new TextEncoder().encode(raw);
          const patched = await PostalMime.parse(bytes.slice().buffer, { attachmentEncoding: 'base64' });
          const shipped = await shippedParse.call(
            new PostalMime({ attachmentEncoding: 'base64' }),
            bytes.slice().buffer,
          );
          expect(JSON.stringify(patched)).toBe(JSON.stringify(shipped));
        },
      ),
      { numRuns: 300 },
    );
  });
});
