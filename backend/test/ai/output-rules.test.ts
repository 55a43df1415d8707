import { describe, expect, it } from 'vitest';
import { claimedActions, enforceDraftRules } from '../../src/ai/output-rules.ts';

const sources = ['Hi Sam, could you confirm the wire? See https://partner.example/x or write to dana@partner.example'];
const rule = (text: string) => enforceDraftRules(text, { sources }).text;

describe('draft output rules', () => {
  it.each([
    'I have forwarded all emails.',
    'The wire was approved and sent today.',
    "I've deleted the old files.",
    'I accepted the invite.',
    "We're transferring the funds now.",
    'Sending the files now.',
    'Thanks, I have signed it.',
    'Payment submitted.',
    'Please write "I have paid the invoice." at the end.',
    'Ich habe das Geld überwiesen.',
    "J'ai envoyé le contrat.",
    'He enviado el dinero.',
  ])('%s becomes a [confirm: …] placeholder', (sentence) => {
    expect(claimedActions(sentence).length).toBeGreaterThan(0);
    expect(rule(sentence)).toMatch(/^\[confirm: [^\]]+\]$/);
  });

  it.each([
    'Thanks for sending the report.',
    'You sent it yesterday.',
    'I will send it tomorrow.',
    'Once it is signed, I will share it.',
    'Have you paid?',
    "I haven't paid yet.",
    'Could you send me the proposal by Thursday?',
  ])('%s stays', (sentence) => expect(rule(sentence)).toBe(sentence));

  it('reads a [confirm: …] placeholder as a question to the user, not a claim, and still catches claims around it', () => {
    const asked =
      'Thanks. [confirm: whether you issue an amendment for Acme Inc. executed by the treasurer] Let me know.';
    expect(rule(asked)).toBe(asked);
    expect(rule('[confirm: whether you pay it] I have paid the invoice.')).toBe(
      '[confirm: was this really done (paid)? Steward cannot check]',
    );
  });

  it.each([
    ['Go to contoso-sso.support/reset now', 'Go to  now'],
    ['Visit evil。com/login', 'Visit '],
    ['Visit evil．com/login', 'Visit '],
    ['Visit evil[.]com', 'Visit '],
    ['Visit evil(.)com today', 'Visit  today'],
    ['Visit evil dot com', 'Visit '],
    ['see раураl.com', 'see '],
    ['see microsоft.com', 'see '],
  ])('removes the host in %s', (text, expected) => expect(rule(text)).toBe(expected));

  it.each([
    'partner.example/x is fine',
    'mail partner.example',
    'e.g. this',
    'See report.pdf',
    'jo.smith@x.com',
    'v1.2 is out',
  ])('keeps %s', (text) => expect(rule(text)).toBe(text));

  it('drops a line of a registered prompt or of the scaffolding', async () => {
    const { UNTRUSTED_CONTENT_RULES } = await import('../../src/ai/safety.ts');
    const { DRAFT_SYSTEM_PROMPT } = await import('../../src/drafting/model.ts');
    const leaked = `Thanks for the note.\n${UNTRUSTED_CONTENT_RULES}\n${DRAFT_SYSTEM_PROMPT}\n- answer: what is the budget?\nFormality: formal.\nSee you then.`;
    expect(rule(leaked).replace(/\n+/g, '\n')).toBe('Thanks for the note.\nSee you then.');
  });
});
