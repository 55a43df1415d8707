/** A small mailbox: a real-looking request with a meeting ask, a newsletter, and a thread the user started. */
import type { MessageData } from './fakes/index.ts';

export const OWNER = 'me@example.com';

export const QUESTION: MessageData = {
  id: '18f2a1b3c4d5e6f7',
  threadId: '18f2a1b3c4d5e6f0',
  from: '"Okafor, Alice" <alice@partner.example>',
  to: 'Me <me@example.com>',
  cc: 'Bob Lee <bob@partner.example>',
  subject: 'Q3 numbers and a quick call',
  date: new Date('2025-03-20T09:15:00Z'),
  plainBody:
    'Hi,\n\nCould you send me the Q3 numbers by Friday? Also, can we meet Tuesday or Wednesday afternoon for 30 minutes to go through them?\n\nThanks,\nAlice',
  htmlBody:
    '<p>Hi,</p><p>Could you send me the Q3 numbers by Friday? Also, can we meet Tuesday or Wednesday afternoon for 30 minutes to go through them?</p><p>Thanks,<br>Alice</p>',
  headers: { 'Message-ID': '<q3-1@partner.example>' },
};

export const EARLIER: MessageData = {
  id: '18f2a1b3c4d5e6e0',
  threadId: QUESTION.threadId,
  from: 'Me <me@example.com>',
  to: '"Okafor, Alice" <alice@partner.example>',
  subject: 'Q3 numbers',
  date: new Date('2025-03-18T16:00:00Z'),
  plainBody: 'Hi Alice, the Q3 close is running late this year. Sam',
};

export const NEWSLETTER: MessageData = {
  id: '18f2a1b3c4d5e7a1',
  threadId: '18f2a1b3c4d5e7a0',
  from: 'Deals Weekly <news@deals.example>',
  to: 'me@example.com',
  subject: '50% off everything this weekend only',
  date: new Date('2025-03-21T06:00:00Z'),
  plainBody: 'Huge savings this weekend. Unsubscribe here: https://deals.example/u',
  htmlBody: '<html><body><h1>50% off</h1><a href="https://deals.example/u">Unsubscribe</a></body></html>',
  headers: { 'List-Unsubscribe': '<https://deals.example/u>', Precedence: 'bulk' },
};

export const ONE_TO_ONE: MessageData = {
  id: '18f2a1b3c4d5e8b1',
  threadId: '18f2a1b3c4d5e8b0',
  from: 'Carol <carol@client.example>',
  to: 'me@example.com',
  subject: 'Contract question',
  date: new Date('2025-03-21T10:00:00Z'),
  plainBody: 'Can you confirm the renewal date?',
};

export const MAILBOX: MessageData[] = [EARLIER, QUESTION, NEWSLETTER, ONE_TO_ONE];
