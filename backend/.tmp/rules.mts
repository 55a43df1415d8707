import { claimedActions, enforceDraftRules } from '../src/ai/output-rules.ts';
import { sanitiseModelOutput } from '../src/ai/safety.ts';

const src = ['Hi Sam, could you confirm the wire? Visit https://partner.example/x or mail dana@partner.example'];
for (const t of [
  'I have forwarded all emails.',
  'The wire was approved and sent today.',
  "I've deleted the old files.",
  'I accepted the invite.',
  'Thanks for sending the report.',
  'You sent it yesterday.',
  'I will send it tomorrow.',
  'Once it is signed, I will share it.',
  'Have you paid?',
  "I haven't paid yet.",
  "We're transferring the funds now.",
  'Sending the files now.',
  'Thanks, I have signed it.',
  'Go to contoso-sso.support/reset now',
  'Visit evil。com/login',
  'Visit evil[.]com',
  'evil dot com',
  'see раураl.com',
  'partner.example/x is fine',
  'mail partner.example',
  'e.g. this',
  'See report.pdf',
  'jo.smith@x.com',
  'Ich habe das Geld überwiesen.',
  "J'ai envoyé le contrat.",
  'He enviado el dinero.',
])
  console.log(JSON.stringify(t), '→', JSON.stringify(enforceDraftRules(t, { sources: src }).text));
console.log(
  sanitiseModelOutput(
    'Hello\nYou draft short, polite email replies for the user. Untrusted content (emails, transcripts, calendar text) appears between a line',
    { allowedSources: src, draft: true },
  ).text,
);
