import type { EmailMessage } from '@steward/shared';
import { normaliseMessage } from '../../src/mail/normalise.ts';
import type { NormalisedMessage } from '../../src/mail/types.ts';

let counter = 0;

/** A message through the real normaliser, so quotes and signatures are separated as in production. */
export async function message(fields: Partial<EmailMessage> & { text: string }): Promise<NormalisedMessage> {
  counter++;
  return normaliseMessage({
    id: `m${counter}`,
    from: 'Ann Lee <ann@example.com>',
    to: ['me@example.com'],
    subject: 'Budget',
    date: '2026-03-02T09:15:00Z',
    ...fields,
  });
}

/** Sent mail written the way Vince writes: "Name," then short text, signed "Vince", no sign-off. */
export async function vinceSentMail(count: number): Promise<NormalisedMessage[]> {
  const people = [
    ['Shirley Crenshaw <shirley.crenshaw@example.com>', 'Shirley'],
    ['Greg Whalley <greg.whalley@example.com>', 'Greg'],
    ['Martin Lin <martin.lin@example.com>', 'Martin'],
  ] as const;
  const bodies = [
    'Please, distribute to my direct reports.',
    'I shall be glad to talk to you about it. The first three days of the next week would work for me.',
    'You may find it useful.',
    'Thanks for this msg and other updates. I am looking forward to the results.',
    'I am forwarding you a message from Frank. He is very highly regarded in the academic community.',
  ];
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const [to, name] = people[i % people.length]!;
      return message({
        from: 'Vince J Kaminski <vince.kaminski@example.com>',
        to: [to],
        subject: `Note ${i}`,
        text: `${name},\n\n${bodies[i % bodies.length]}\n\nVince\n`,
      });
    }),
  );
}
