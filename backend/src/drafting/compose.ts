/**
 * Pieces both engines share when they turn a reply into a Draft: the greeting and sign-off chosen from
 * the voice profile, the subject line, placeholders, the HTML rendering and the proposed-time labels.
 */
import type { Formality, ProposedTime, VoiceProfile } from '@steward/shared';
import { formatSlot } from '../scheduling/proposal.ts';
import { type DraftLanguage, LOCALISED, phraseLanguage } from './language.ts';

export const PLACEHOLDER = /\[confirm:[^\]\n]{1,200}\]/g;

export function placeholdersIn(text: string): string[] {
  return [...new Set(text.match(PLACEHOLDER) ?? [])];
}

export function replySubject(subject: string): string {
  const trimmed = subject.trim();
  if (!trimmed) return 'Re:';
  return /^(re|aw|sv|antw|rv)\s*:/i.test(trimmed) ? trimmed : `Re: ${trimmed}`;
}

const DRAFT_LANGUAGES = new Set<string>(['en', 'de', 'fr', 'es']);

/** The language to open and close in: the sender's when the profile shows the user writes it too. */
export function replyLanguage(voice: VoiceProfile, senderLanguage: DraftLanguage | undefined): DraftLanguage {
  if (senderLanguage && voice.languages.includes(senderLanguage)) return senderLanguage;
  const usual = voice.languages.find((l) => DRAFT_LANGUAGES.has(l));
  return (usual as DraftLanguage | undefined) ?? 'en';
}

function fill(template: string, name: string | undefined, language: DraftLanguage): string {
  if (!template.includes('{name}')) return template;
  if (name) return template.replace('{name}', name);
  const without = template.replace(/\s*\{name\}/, '').trim();
  // "{name}," without a name leaves only punctuation, and "Dear," is not a greeting: use the plain one.
  return /[\p{L}]/u.test(without) &&
    !/^(?:dear|liebe[r]?|sehr geehrte[r]?|cher|chère|estimad[oa]|querid[oa])\b/i.test(without)
    ? without
    : LOCALISED[language].noName;
}

export interface Frame {
  greeting: string;
  signOff: string;
  name: string;
}

/** Greeting, sign-off and name: per-recipient habits first, then the profile's usual ones, in `language`. */
export function frameFor(
  voice: VoiceProfile,
  recipient: string | undefined,
  recipientName: string | undefined,
  language: DraftLanguage,
  formality: Formality,
): Frame {
  const known = recipient ? voice.perRecipient.find((r) => r.address === recipient.toLowerCase()) : undefined;
  const inLanguage = (text: string | undefined) => text !== undefined && (phraseLanguage(text) ?? 'en') === language;
  // A register the user asked for that their habits do not have takes the language's usual phrases.
  const forced = formality !== voice.formality && formality !== 'neutral';
  const pick = (perRecipient: string | undefined, phrases: VoiceProfile['greetings'], fallback: string) => {
    if (forced) return fallback;
    if (perRecipient !== undefined && (perRecipient === '' || inLanguage(perRecipient))) return perRecipient;
    const learned = phrases.find((p) => p.text === '' || inLanguage(p.text));
    if (learned && (learned.text !== '' || language === 'en' || voice.languages.includes(language)))
      return learned.text;
    return fallback;
  };
  const greeting = pick(known?.greeting, voice.greetings, LOCALISED[language].greeting[formality]);
  const signOff = pick(known?.signOff, voice.signOffs, LOCALISED[language].signOff[formality]);
  return { greeting: fill(greeting, recipientName, language), signOff, name: voice.signatureName };
}

export function assemble(frame: Frame, paragraphs: string[]): string {
  const parts: string[] = [];
  if (frame.greeting) parts.push(frame.greeting);
  parts.push(...paragraphs.filter(Boolean));
  // A sign-off is always followed by the name: without a name there is no signature at all (the user's
  // mail client adds theirs), never a "Best regards," left hanging.
  const closing = frame.name ? [frame.signOff, frame.name].filter(Boolean).join('\n') : '';
  if (closing) parts.push(closing);
  return parts.join('\n\n');
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Paragraphs to <p>, "- " lines to a list; placeholders marked so they cannot be missed. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((block) => {
      const lines = block.split('\n');
      const mark = (s: string) => escapeHtml(s).replace(/\[confirm:[^\]\n]{1,200}\]/g, (p) => `<mark>${p}</mark>`);
      if (lines.every((l) => /^- /.test(l)))
        return `<ul>${lines.map((l) => `<li>${mark(l.slice(2))}</li>`).join('')}</ul>`;
      return `<p>${lines.map(mark).join('<br>')}</p>`;
    })
    .join('\n');
}

/** Solver slots with the label the draft writes, "Tue 4 Feb, 15:00 CET / 09:00 EST". */
export function proposedTimesFrom(
  slots: { start: string; end: string }[],
  userZone: string,
  otherZone: string | undefined,
): ProposedTime[] {
  return slots.map((slot) => ({
    start: slot.start,
    end: slot.end,
    label: formatSlot(slot.start, userZone, otherZone),
  }));
}
