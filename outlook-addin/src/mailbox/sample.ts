import type { CategoryId, EmailMessage } from '@steward/shared';
import type {
  CategoryOutcome,
  HostTheme,
  InsertOutcome,
  MailboxCapabilities,
  MailboxPort,
  NewMessage,
  OpenMessage,
  OpenOutcome,
  ReplyContent,
} from './port.ts';

/** What the preview shows after a click that, in Outlook, would open a form or tag the message. */
export type SampleEffect =
  | { kind: 'reply'; messageId: string; replyAll: boolean; html: string }
  | { kind: 'new-message'; to: string[]; subject: string; html: string }
  | { kind: 'category'; messageId: string; category: CategoryId; displayName: string }
  | { kind: 'open'; messageId: string };

export const SAMPLE_ME = { name: 'Alex Morgan', address: 'alex@northwind.example' };

/** A mailbox in memory for /preview: a few realistic messages, one selected at a time. */
export class SampleMailbox implements MailboxPort {
  readonly host = 'preview' as const;
  private selectedIndex = 0;
  private readonly listeners = new Set<() => void>();
  private readonly effectListeners = new Set<(effect: SampleEffect) => void>();
  readonly effects: SampleEffect[] = [];

  constructor(readonly messages: EmailMessage[] = sampleMessages()) {}

  get selectedId(): string | undefined {
    return this.messages[this.selectedIndex]?.id;
  }

  select(id: string): void {
    const index = this.messages.findIndex((m) => m.id === id);
    if (index === -1 || index === this.selectedIndex) return;
    this.selectedIndex = index;
    for (const listener of this.listeners) listener();
  }

  onEffect(listener: (effect: SampleEffect) => void): () => void {
    this.effectListeners.add(listener);
    return () => this.effectListeners.delete(listener);
  }

  private record(effect: SampleEffect): void {
    this.effects.push(effect);
    for (const listener of this.effectListeners) listener(effect);
  }

  myAddresses(): string[] {
    return [SAMPLE_ME.address];
  }

  async readCurrentItem(): Promise<OpenMessage | null> {
    const message = this.messages[this.selectedIndex];
    return message ? { message: structuredClone(message), mode: 'read' } : null;
  }

  onItemChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async insertReply(reply: ReplyContent): Promise<InsertOutcome> {
    this.record({
      kind: 'reply',
      messageId: this.selectedId ?? '',
      replyAll: Boolean(reply.replyAll),
      html: reply.html,
    });
    return 'reply-form-opened';
  }

  async composeNew(message: NewMessage): Promise<InsertOutcome> {
    this.record({ kind: 'new-message', ...message });
    return 'new-message-opened';
  }

  /** A sample message is selected; any other id (mail the preview does not hold) cannot be opened here. */
  async openMessage(messageId: string): Promise<OpenOutcome> {
    if (!this.messages.some((m) => m.id === messageId)) return 'unsupported';
    this.record({ kind: 'open', messageId });
    this.select(messageId);
    return 'opened';
  }

  async applyCategory(category: CategoryId, displayName: string): Promise<CategoryOutcome> {
    this.record({ kind: 'category', messageId: this.selectedId ?? '', category, displayName });
    return 'applied';
  }

  capabilities(): MailboxCapabilities {
    return {
      followsSelection: true,
      categories: true,
      insertReply: true,
      nestedAppAuth: false,
      dialogApi: false,
      sentMail: false,
    };
  }

  theme(): HostTheme | null {
    return null;
  }

  /** The preview has no Sent Items: voice learning there works from uploaded files. */
  async readSentMail(): Promise<EmailMessage[]> {
    throw new Error('The preview has no sent mail to read. Upload exported messages instead.');
  }
}

/** Dates are recent so that "Friday" and "next week" in the samples mean something when scheduling. */
export function sampleMessages(now: Date = new Date()): EmailMessage[] {
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
  const me = SAMPLE_ME;
  return [
    {
      id: 'sample-1-pricing',
      threadId: 'thread-pricing',
      from: { name: 'Priya Raman', address: 'priya.raman@contoso.example' },
      to: [me],
      subject: 'Pricing for 200 seats before Friday?',
      date: hoursAgo(2),
      text: [
        'Hi Alex,',
        '',
        'We are finalising our budget for next quarter. Could you send me your pricing for 200 seats,',
        'including the onboarding package? I need it before Friday to get it approved.',
        '',
        'Also, are you free for a 30-minute call on Tuesday or Wednesday afternoon to walk through it?',
        '',
        'Thanks,',
        'Priya',
      ].join('\n'),
    },
    {
      id: 'sample-2-newsletter',
      threadId: 'thread-newsletter',
      from: { name: 'Cloudly Weekly', address: 'news@mail.cloudly.example' },
      to: [me],
      subject: '🚀 50% off Cloudly Pro this week only',
      date: hoursAgo(5),
      headers: {
        'list-unsubscribe': '<https://cloudly.example/unsubscribe?u=8812>',
        precedence: 'bulk',
      },
      text: [
        'Upgrade to Cloudly Pro and save 50% — this week only!',
        'Unlimited projects, priority support and more.',
        'Claim your discount now: https://cloudly.example/pro',
        '',
        'You are receiving this email because you signed up at cloudly.example. Unsubscribe any time.',
      ].join('\n'),
    },
    {
      id: 'sample-3-invoice',
      threadId: 'thread-invoice',
      from: { name: 'Fabrikam Billing', address: 'no-reply@billing.fabrikam.example' },
      to: [me],
      subject: 'Your invoice INV-20431 is available',
      date: hoursAgo(9),
      headers: { 'auto-submitted': 'auto-generated' },
      text: [
        'Hello,',
        '',
        'Your invoice INV-20431 for 1,240.00 EUR is now available in your account.',
        'Payment will be collected automatically on the due date.',
        '',
        'This is an automated message, please do not reply.',
      ].join('\n'),
    },
    {
      id: 'sample-4-update',
      threadId: 'thread-update',
      from: { name: 'Jordan Lee', address: 'jordan.lee@northwind.example' },
      to: [{ name: 'Product team', address: 'product@northwind.example' }],
      cc: [me],
      subject: 'Release 4.2 shipped',
      date: hoursAgo(20),
      text: [
        'Hi all,',
        '',
        'For context: release 4.2 went out this morning. The new export feature is live for all',
        'customers and the rollout finished without incidents. Release notes are in the wiki.',
        '',
        'Jordan',
      ].join('\n'),
    },
    {
      id: 'sample-5-comment',
      threadId: 'thread-comment',
      from: { name: 'Sam Ortiz (Google Docs)', address: 'comments-noreply@docs.google.com' },
      to: [me],
      subject: 'Sam Ortiz mentioned you in "Q3 plan"',
      date: hoursAgo(26),
      text: [
        'Sam Ortiz mentioned you in a comment in the following document',
        'Q3 plan',
        '@alex@northwind.example can you check the hiring numbers in section 3?',
        'Reply  Open',
        'Google LLC, 1600 Amphitheatre Parkway, Mountain View, CA 94043, USA',
        'You have received this email because you are mentioned in this thread.',
      ].join('\n'),
    },
  ];
}
