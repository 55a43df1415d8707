import { describe, expect, it } from 'vitest';
import {
  otherMessages,
  parseAddress,
  parseAddressList,
  shouldReplyAll,
  splitAddressList,
  toEmailMessage,
} from '../src/core/message.ts';

describe('addresses as Gmail reports them', () => {
  it('keeps a quoted display name with a comma in one piece', () => {
    expect(splitAddressList('"Okafor, Alice" <alice@partner.example>, Bob Lee <bob@partner.example>')).toEqual([
      '"Okafor, Alice" <alice@partner.example>',
      'Bob Lee <bob@partner.example>',
    ]);
    expect(parseAddress('"Okafor, Alice" <alice@partner.example>')).toEqual({
      name: 'Okafor, Alice',
      address: 'alice@partner.example',
    });
  });

  it('reads bare addresses, escaped quotes and empty lists', () => {
    expect(parseAddressList('me@example.com')).toEqual([{ address: 'me@example.com' }]);
    expect(parseAddress('"A \\"B\\" C" <abc@x.example>')).toEqual({ name: 'A "B" C', address: 'abc@x.example' });
    expect(parseAddressList('  ')).toEqual([]);
  });
});

describe('toEmailMessage', () => {
  const fields = {
    id: 'm1',
    threadId: 't1',
    from: 'Alice <alice@partner.example>',
    to: 'me@example.com',
    cc: '',
    replyTo: '',
    subject: 'Hello',
    date: new Date('2025-03-20T09:15:00Z'),
    plainBody: 'x'.repeat(50),
    htmlBody: '<p>hi</p>',
    headers: { 'List-Unsubscribe': '<https://u.example>', Precedence: '' },
  };

  it('produces the API shape and leaves empty fields out', () => {
    expect(toEmailMessage(fields)).toEqual({
      id: 'm1',
      threadId: 't1',
      from: { name: 'Alice', address: 'alice@partner.example' },
      to: [{ address: 'me@example.com' }],
      subject: 'Hello',
      date: '2025-03-20T09:15:00.000Z',
      text: 'x'.repeat(50),
      html: '<p>hi</p>',
      headers: { 'List-Unsubscribe': '<https://u.example>' },
    });
  });

  it('caps bodies and can drop HTML', () => {
    const m = toEmailMessage(fields, { text: 10, html: 0 });
    expect(m.text).toHaveLength(10);
    expect(m.html).toBeUndefined();
  });
});

describe('shouldReplyAll', () => {
  it('replies to all when someone besides the sender and me was on the message', () => {
    const m = { id: '1', from: 'a@x.example', to: ['me@example.com'], cc: ['Bob <bob@x.example>'] };
    expect(shouldReplyAll(m, ['me@example.com'])).toBe(true);
  });
  it('replies only to the sender in a one-to-one conversation, whatever the letter case', () => {
    const m = { id: '1', from: 'a@x.example', to: ['Me@Example.com'], cc: ['A@x.example'] };
    expect(shouldReplyAll(m, ['me@example.com'])).toBe(false);
  });
});

it('otherMessages keeps the newest ones, oldest first, without the current message', () => {
  const thread = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
  expect(otherMessages(thread, 'd', 2).map((m) => m.id)).toEqual(['b', 'c']);
  expect(otherMessages(thread, 'b', 2).map((m) => m.id)).toEqual(['c', 'd']);
});
