/**
 * Voice learning: the user's sent mail in, an editable style card out (docs/drafting.md).
 * Quoted history and signatures are already separated by normalisation; only `newText` is read,
 * plus the first lines of the signature, where people often put their sign-off and name.
 */
import type { Formality, PhraseUse, RecipientStyle, VoiceProfile } from '@steward/shared';
import type { NormalisedMessage } from '../mail/types.ts';
import { firstNameFromDisplayName } from './names.ts';
import { type MessageStyle, readMessageStyle } from './style.ts';

/** Below this many usable messages the profile says it is a rough guess. */
export const MIN_RELIABLE_SAMPLES = 20;
const HIGH_CONFIDENCE_SAMPLES = 50;

const FORMAL_GREETING =
  /^(dear|good (morning|afternoon|evening)|greetings|sehr geehrte|guten tag|estimad|madame|monsieur|buenos días)/i;
const CASUAL_GREETING = /^(hey|hiya|hi there|salut|moin|servus|yo)\b/i;
const FORMAL_SIGN_OFF =
  /^(regards|kind regards|best regards|warm regards|with regards|sincerely|yours sincerely|sincerely yours|yours truly|respectfully|mit freundlichen|freundliche|cordialement|bien cordialement|atentamente|saludos cordiales|cordialmente|salutations)/i;
const CASUAL_SIGN_OFF =
  /^(cheers|thx|ty|talk soon|speak soon|take care|lg|vg|liebe grüße|à bientôt|un abrazo|amitiés)/i;

/** The generic profile used before the user's sent mail is known. */
export function defaultVoice(): VoiceProfile {
  return {
    greetings: [{ text: 'Hi {name},', share: 1 }],
    signOffs: [{ text: 'Best regards,', share: 1 }],
    perRecipient: [],
    signatureName: '',
    typicalWords: 60,
    formality: 'neutral',
    contractionsRate: 0.5,
    emojiRate: 0,
    punctuation: { exclamationRate: 0.05, ellipsisRate: 0 },
    languages: ['en'],
    sampleCount: 0,
    confidence: 'low',
    note: 'Generic style: no sent mail learned yet.',
  };
}

export function learnVoice(sent: NormalisedMessage[]): VoiceProfile {
  const readings: { message: NormalisedMessage; style: MessageStyle }[] = [];
  for (const message of sent) {
    const style = readMessageStyle(message.newText, message.signature);
    // Forwards with no comment of one's own say nothing about how one writes.
    if (style.words === 0) continue;
    readings.push({ message, style });
  }
  const profile = defaultVoice();
  const n = readings.length;
  if (n === 0) {
    return { ...profile, note: `None of the ${sent.length} messages had text of the user's own to learn from.` };
  }
  const styles = readings.map((r) => r.style);
  const greetings = rankPhrases(styles.map((s) => s.greeting));
  const signOffs = rankPhrases(styles.map((s) => s.signOff));
  const contractions = sum(styles.map((s) => s.contractions));
  const expandable = sum(styles.map((s) => s.expandable));
  const contractionsRate = contractions + expandable === 0 ? 0.5 : contractions / (contractions + expandable);
  const sentenceCount = Math.max(1, sum(styles.map((s) => s.sentences)));
  const exclamationRate = sum(styles.map((s) => s.exclamations)) / sentenceCount;
  const emojiRate = styles.filter((s) => s.hasEmoji).length / n;
  const ellipsisRate = styles.filter((s) => s.hasEllipsis).length / n;

  return {
    greetings,
    signOffs,
    perRecipient: perRecipientStyles(readings),
    signatureName: signatureName(readings),
    typicalWords: Math.round(median(styles.map((s) => s.words))),
    formality: formalityOf({ greetings, signOffs, contractionsRate, exclamationRate, emojiRate }),
    contractionsRate: round(contractionsRate),
    emojiRate: round(emojiRate),
    punctuation: { exclamationRate: round(exclamationRate), ellipsisRate: round(ellipsisRate) },
    languages: languagesOf(styles),
    sampleCount: n,
    confidence: n < MIN_RELIABLE_SAMPLES ? 'low' : n < HIGH_CONFIDENCE_SAMPLES ? 'medium' : 'high',
    note:
      n < MIN_RELIABLE_SAMPLES
        ? `Learned from only ${n} message${n === 1 ? '' : 's'}; ${MIN_RELIABLE_SAMPLES} or more give a reliable profile.`
        : `Learned from ${n} sent messages.`,
  };
}

/** Phrases by share of messages, most used first; "" (none) is a habit too and stays in the list. */
function rankPhrases(values: string[]): PhraseUse[] {
  const counts = new Map<string, { text: string; count: number }>();
  for (const value of values) {
    const key = value.toLowerCase().replace(/[\s,.!:;—–-]+$/u, '');
    const entry = counts.get(key) ?? { text: value, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, 20)
    .map(({ text, count }) => ({ text, share: round(count / values.length) }));
}

function perRecipientStyles(readings: { message: NormalisedMessage; style: MessageStyle }[]): RecipientStyle[] {
  const byAddress = new Map<string, MessageStyle[]>();
  for (const { message, style } of readings) {
    const address = message.to[0]?.address?.toLowerCase();
    if (!address) continue;
    byAddress.set(address, [...(byAddress.get(address) ?? []), style]);
  }
  return [...byAddress.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .slice(0, 500)
    .map(([address, styles]) => {
      const greeting = rankPhrases(styles.map((s) => s.greeting))[0]?.text;
      const signOff = rankPhrases(styles.map((s) => s.signOff))[0]?.text;
      return {
        address,
        ...(greeting !== undefined ? { greeting } : {}),
        ...(signOff !== undefined ? { signOff } : {}),
        count: styles.length,
      };
    });
}

/**
 * The most frequent signed name, trusted when it recurs or matches the sender's display name, so that a
 * one-off closing line ("Sounds good") is never taken for a name.
 */
function signatureName(readings: { message: NormalisedMessage; style: MessageStyle }[]): string {
  const counts = new Map<string, number>();
  for (const { style } of readings) {
    if (style.signName) counts.set(style.signName, (counts.get(style.signName) ?? 0) + 1);
  }
  const displayFirstNames = new Set(
    readings.map((r) =>
      r.message.from?.name ? firstNameFromDisplayName(r.message.from.name)?.toLowerCase() : undefined,
    ),
  );
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  for (const [name, count] of ranked) {
    const first = name.split(/\s+/)[0]?.toLowerCase();
    if (count >= 2 || (first && displayFirstNames.has(first))) return name;
  }
  return '';
}

function formalityOf(s: {
  greetings: PhraseUse[];
  signOffs: PhraseUse[];
  contractionsRate: number;
  exclamationRate: number;
  emojiRate: number;
}): Formality {
  const shareOf = (phrases: PhraseUse[], pattern: RegExp) =>
    sum(phrases.filter((p) => pattern.test(p.text.replace('{name}', '').trim())).map((p) => p.share));
  const score =
    0.5 +
    0.3 * (shareOf(s.greetings, FORMAL_GREETING) - shareOf(s.greetings, CASUAL_GREETING)) +
    0.3 * (shareOf(s.signOffs, FORMAL_SIGN_OFF) - shareOf(s.signOffs, CASUAL_SIGN_OFF)) +
    0.3 * (0.5 - s.contractionsRate) -
    0.5 * s.exclamationRate -
    0.3 * s.emojiRate;
  return score >= 0.62 ? 'formal' : score <= 0.38 ? 'casual' : 'neutral';
}

function languagesOf(styles: MessageStyle[]): string[] {
  const counts = new Map<string, number>();
  for (const s of styles) if (s.language) counts.set(s.language, (counts.get(s.language) ?? 0) + 1);
  const total = sum([...counts.values()]);
  const languages = [...counts.entries()]
    .filter(([, count]) => count / total >= 0.1)
    .sort((a, b) => b[1] - a[1])
    .map(([language]) => language);
  return languages.length ? languages : ['en'];
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
