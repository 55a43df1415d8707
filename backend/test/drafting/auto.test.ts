import type { CategoryId, EmailMessage } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import { shouldAutoDraft } from '../../src/drafting/auto.ts';
import { normaliseMessage } from '../../src/mail/normalise.ts';

const ME = 'alex@northwind.example';
const decide = async (fields: Partial<EmailMessage> & { text: string }, category: CategoryId = 'to_respond') =>
  shouldAutoDraft(
    await normaliseMessage({ id: 'x', from: 'Ann Lee <ann@example.com>', to: [ME], subject: 'Hello', ...fields }),
    { category },
    [ME],
  );

describe('shouldAutoDraft', () => {
  it('drafts where a person waits for the user', async () => {
    expect(await decide({ text: 'Could you send me the signed contract by Friday?' })).toEqual({
      draft: true,
      reason: 'someone is waiting for an answer',
    });
  });

  it('never drafts for a no-reply invoice, even when triage calls it to_respond', async () => {
    const invoice = await decide({
      from: 'Fabrikam Billing <no-reply@billing.fabrikam.example>',
      subject: 'Your invoice INV-20431 is available',
      headers: { 'auto-submitted': 'auto-generated' },
      text: 'Hello,\n\nYour invoice INV-20431 for 1,240.00 EUR is now available in your account.\n\nThis is an automated message, please do not reply.',
    });
    expect(invoice.draft).toBe(false);
    expect((await decide({ from: 'alerts+billing@shop.example', text: 'Can you confirm your address?' })).draft).toBe(
      false,
    );
  });

  it('never drafts for marketing and list mail', async () => {
    const promo = await decide({
      from: 'Cloudly Weekly <news@mail.cloudly.example>',
      headers: { 'list-unsubscribe': '<https://cloudly.example/unsubscribe?u=8812>', precedence: 'bulk' },
      text: 'Upgrade to Cloudly Pro and save 50% — this week only! Are you ready?',
    });
    expect(promo).toMatchObject({ draft: false, reason: 'the sender does not read replies' });
    const footer = await decide({
      from: 'Deals <deals@shop.example>',
      text: 'Want 20% off?\n\nTo unsubscribe, click here.',
    });
    expect(footer.draft).toBe(false);
  });

  it('follows the categories nobody answers', async () => {
    for (const category of ['marketing', 'notification', 'comment', 'meeting_update', 'fyi', 'actioned'] as const) {
      expect((await decide({ text: 'Can you have a look?' }, category)).draft).toBe(false);
    }
  });

  it('does not draft when the user is only copied on a message to a group, unless named', async () => {
    const group = { to: ['Product team <product@northwind.example>'], cc: [`Alex Kim <${ME}>`] };
    expect((await decide({ ...group, text: 'Release 4.2 went out. Any questions?' })).draft).toBe(false);
    expect((await decide({ ...group, text: 'Alex, can you confirm the release notes?' })).draft).toBe(true);
    // Copied on a message to one person: that person's question may still be for the user to answer.
    expect((await decide({ to: ['bob@example.com'], cc: [ME], text: 'Can you confirm?' })).draft).toBe(true);
  });

  it('does not draft for the user’s own mail or mail to undisclosed recipients', async () => {
    expect((await decide({ from: ME, to: ['ann@example.com'], text: 'Any news?' })).draft).toBe(false);
    expect((await decide({ to: ['undisclosed-recipients:;'], text: 'Are you interested?' })).draft).toBe(false);
  });
});
