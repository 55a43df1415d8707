import { randomBytes } from 'node:crypto';
import type { DraftContent } from './port.ts';

function encodeHeader(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

/**
 * An RFC 5322 message (text and HTML alternatives) for Gmail drafts.create: a reply with threading headers,
 * or a new message when `inReplyTo` and `references` are absent (the briefing draft to self).
 */
export function buildReplyMime(from: string, draft: DraftContent): string {
  const boundary = `steward-${randomBytes(8).toString('hex')}`;
  const headers = [
    `From: ${from}`,
    `To: ${draft.to.map(encodeHeader).join(', ')}`,
    `Subject: ${encodeHeader(draft.subject)}`,
    ...(draft.inReplyTo ? [`In-Reply-To: ${draft.inReplyTo}`] : []),
    ...(draft.inReplyTo || draft.references?.length
      ? [
          `References: ${[...(draft.references ?? []), ...(draft.inReplyTo ? [draft.inReplyTo] : [])].filter((v, i, a) => a.indexOf(v) === i).join(' ')}`,
        ]
      : []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  return [
    ...headers,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(draft.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(draft.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
