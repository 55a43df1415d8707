import type { EmailMessage } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import { GraphError, readSentMail } from '../src/mailbox/graph.ts';
import {
  fitForUpload,
  looksLikeMessage,
  MBOX_TAIL_BYTES,
  messagesFromFiles,
  type ReadableFile,
  splitMbox,
} from '../src/voice/sent-mail.ts';

const eml = (n: number, body = `Hi Sam,\r\n\r\nMessage ${n}.\r\n\r\nBest,\r\nAlex`) =>
  `From: Alex Morgan <alex@northwind.example>\r\nTo: sam@contoso.example\r\nSubject: Note ${n}\r\nDate: Mon, 3 Feb 2031 09:0${n % 10}:00 +0000\r\n\r\n${body}`;

function file(name: string, text: string): ReadableFile {
  return {
    name,
    size: text.length,
    text: async () => text,
    slice: (start = 0, end = text.length) => ({ text: async () => text.slice(start, end) }),
  };
}

describe('splitMbox', () => {
  it('splits on From_ lines, drops them, and undoes mboxrd escaping', () => {
    const mbox = [
      'From alex@northwind.example Mon Feb  3 09:00:00 2031',
      eml(1, 'Hi,\n\n>From now on, we meet on Tuesdays.\n>>From here too.\n\nAlex'),
      '',
      'From - Tue Feb  4 10:00:00 2031',
      eml(2),
      '',
    ].join('\n');
    const messages = splitMbox(mbox);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('\r\nFrom now on, we meet on Tuesdays.\r\n>From here too.');
    expect(messages[0]).not.toMatch(/^From alex/);
    expect(messages[1]).toMatch(/^From: Alex Morgan/);
    expect(messages[1]).toMatch(/Alex$/);
  });

  it('does not split on a body line that merely starts with "From "', () => {
    const mbox = `From a@b.example Mon Feb  3 09:00:00 2031\n${eml(1, 'Hi,\n\nFrom what I hear, fine.\n\nAlex')}\n`;
    expect(splitMbox(mbox)).toHaveLength(1);
  });

  it('skips the partial message at the head of a file read from its middle', () => {
    const tail = `ody of a cut message\n\nFrom a@b.example Mon Feb  3 09:00:00 2031\n${eml(3)}\n`;
    expect(splitMbox(tail)).toHaveLength(1);
  });
});

describe('messagesFromFiles', () => {
  it('reads .eml files and .mbox files, and names what is not mail', async () => {
    const mbox = `From a@b.example Mon Feb  3 09:00:00 2031\n${eml(1)}\n\nFrom a@b.example Mon Feb  3 10:00:00 2031\n${eml(2)}\n`;
    const read = await messagesFromFiles([
      file('one.eml', eml(7)),
      file('Sent.mbox', mbox),
      file('notes.pdf', '%PDF-1.7 binary'),
    ]);
    expect(read.messages.map((m) => m.id)).toEqual(['one.eml', 'Sent.mbox#1', 'Sent.mbox#2']);
    expect(read.messages[0]?.raw).toBe(eml(7));
    expect(read.unreadable).toEqual(['notes.pdf']);
    expect(read.truncated).toBe(false);
    expect(looksLikeMessage(read.messages[1]?.raw ?? '')).toBe(true);
  });

  it('reads only the newest part of a huge mbox', async () => {
    const one = `From a@b.example Mon Feb  3 09:00:00 2031\n${eml(1)}\n\n`;
    const big: ReadableFile = {
      name: 'All.mbox',
      size: MBOX_TAIL_BYTES + 10_000_000,
      text: async () => {
        throw new Error('must not read the whole file');
      },
      slice: (start = 0) => {
        expect(start).toBe(10_000_000);
        return { text: async () => `tail of an older message\n\n${one}${one}` };
      },
    };
    const read = await messagesFromFiles([big]);
    expect(read.messages).toHaveLength(2);
    expect(read.truncated).toBe(true);
  });
});

describe('fitForUpload', () => {
  const message = (id: string, size: number): EmailMessage => ({ id, raw: 'x'.repeat(size) });

  it('keeps the newest messages within the count and byte limits, in order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => message(`m${i}`, 1000));
    const upload = fitForUpload(messages, { maxMessages: 3 });
    expect(upload.messages.map((m) => m.id)).toEqual(['m7', 'm8', 'm9']);
    expect(upload.leftOut).toBe(7);
    const bytes = fitForUpload(messages, { maxBytes: 2700 });
    expect(bytes.messages.map((m) => m.id)).toEqual(['m8', 'm9']);
  });

  it('leaves out a single message over the body limit (attachments), and keeps ids unique', () => {
    const upload = fitForUpload([message('a', 10), message('big', 5000), message('a', 10)], { maxEach: 1000 });
    expect(upload.messages.map((m) => m.id)).toEqual(['a', 'a~2']);
    expect(upload.leftOut).toBe(1);
  });

  it('stays under the real limits for 600 ordinary messages', () => {
    const messages = Array.from({ length: 600 }, (_, i) => message(`m${i}`, 4000));
    const upload = fitForUpload(messages);
    expect(upload.messages).toHaveLength(500);
    expect(JSON.stringify({ messages: upload.messages }).length).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('readSentMail (Microsoft Graph)', () => {
  const graphMessage = (id: string, content: string) => ({
    id,
    subject: `Subject ${id}`,
    sentDateTime: '2031-02-03T09:00:00Z',
    conversationId: `c-${id}`,
    from: { emailAddress: { name: 'Alex', address: 'alex@northwind.example' } },
    toRecipients: [{ emailAddress: { address: 'sam@contoso.example' } }],
    ccRecipients: [],
    body: { contentType: 'text', content },
  });

  it('pages through Sent Items, falls back to MIME for an empty body, and reports progress', async () => {
    const requests: { url: string; accept: string }[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      requests.push({ url, accept: headers.accept ?? '' });
      expect(headers.prefer).toBe('outlook.body-content-type="text"');
      if (url.endsWith('/$value')) return new Response(eml(9), { status: 200 });
      if (url.includes('page2'))
        return Response.json({ value: [graphMessage('m3', 'Third'), graphMessage('m4', 'Fourth')] });
      return Response.json({
        value: [graphMessage('m1', 'First'), graphMessage('m2', '')],
        '@odata.nextLink': 'https://graph.test/v1.0/page2',
      });
    }) as typeof fetch;
    const progress: [number, number][] = [];
    const messages = await readSentMail(
      { token: async () => 't', fetch: fetchImpl, baseUrl: 'https://graph.test/v1.0' },
      { max: 3, onProgress: (done, total) => progress.push([done, total]) },
    );
    // Newest first from Graph, handed on oldest first.
    expect(messages.map((m) => m.id)).toEqual(['m3', 'm2', 'm1']);
    expect(messages.find((m) => m.id === 'm2')?.raw).toBe(eml(9));
    expect(messages.find((m) => m.id === 'm1')).toMatchObject({
      text: 'First',
      threadId: 'c-m1',
      from: { name: 'Alex', address: 'alex@northwind.example' },
      to: ['sam@contoso.example'],
    });
    expect(requests[0]?.url).toContain('/me/mailFolders/sentitems/messages?$top=3&$select=');
    expect(requests.filter((r) => r.url.endsWith('/$value'))).toEqual([
      { url: 'https://graph.test/v1.0/me/messages/m2/$value', accept: 'message/rfc822' },
    ]);
    expect(progress.at(-1)).toEqual([3, 3]);
  });

  it('explains a refused consent', async () => {
    const fetchImpl = (async () => new Response('{}', { status: 403 })) as unknown as typeof fetch;
    const error = await readSentMail({ token: async () => 't', fetch: fetchImpl }, { max: 10 }).catch((e) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).code).toBe('consent');
    expect((error as Error).message).toContain('Mail.Read');
  });
});
