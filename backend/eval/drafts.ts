/**
 * Evaluation of local reply drafting on real mail (../shared/data, Enron): for two Enron users with
 * enough sent mail, a voice is learned from half of their sent messages; replies are drafted to messages
 * that ask something; the other half of their sent mail is the reference for style.
 * Run: npx tsx backend/eval/drafts.ts
 */
import { type Draft, defaultSettings, type VoiceProfile } from '@steward/shared';
import { analyseMessage } from '../src/drafting/analyse.ts';
import { draftReplyLocal } from '../src/drafting/local.ts';
import { firstNameFromDisplayName } from '../src/drafting/names.ts';
import { readMessageStyle } from '../src/drafting/style.ts';
import { defaultVoice, learnVoice, median } from '../src/drafting/voice.ts';
import { normaliseMessage } from '../src/mail/normalise.ts';
import type { NormalisedMessage } from '../src/mail/types.ts';
import { evalDataDir, hasEvalData, loadEnron } from '../src/triage/dev-data.ts';

const dataDir = evalDataDir();
if (!hasEvalData(dataDir)) {
  console.log(`drafts eval skipped: data not found in ${dataDir} (set STEWARD_EVAL_DATA)`);
  process.exit(0);
}

const USERS = ['j.kaminski@enron.com', 'john.shelk@enron.com'];
const MAX_REPLIES = 250;

const rows = loadEnron(dataDir);
const all: NormalisedMessage[] = [];
for (const row of rows) all.push(await normaliseMessage({ id: row.id, raw: row.raw }));

/** Words our templates write with a capital letter anywhere in a sentence: not names. */
const TEMPLATE_CAPITALS = new Set(['I', 'I’ll', "I'll", "I'd", "I'm", 'Steward']);

/** Every concrete fact in the draft: numbers, links, email addresses, and capitalised words that are not sentence starts. */
function factsOf(text: string): string[] {
  const facts: string[] = [];
  facts.push(...(text.match(/https?:\/\/\S+|www\.\S+/g) ?? []));
  facts.push(...(text.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? []));
  facts.push(...(text.match(/\d[\d,.:/-]*\d|\d/g) ?? []));
  for (const sentence of text.split(/(?<=[.!?:])\s+|\n+/)) {
    const words = sentence.split(/\s+/).slice(1);
    for (const word of words) {
      const bare = word.replace(/^[^\p{L}]+|[^\p{L}'’]+$/gu, '');
      if (/^\p{Lu}/u.test(bare) && !TEMPLATE_CAPITALS.has(bare)) facts.push(bare);
    }
  }
  return facts;
}

function sourceOf(message: NormalisedMessage, voice: VoiceProfile): string {
  return [
    message.text,
    message.subject,
    message.from?.name ?? '',
    message.from?.address ?? '',
    message.headers['x-from'] ?? '',
    JSON.stringify(voice),
  ]
    .join('\n')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** The draft with what is exempt from tracing removed: the solver's time labels and the greeting/closing frame. */
function checkedText(draft: Draft): string {
  let text = draft.text;
  for (const t of draft.proposedTimes) text = text.replace(`- ${t.label}`, '');
  return text;
}

interface StyleVector {
  logWords: number;
  greets: number;
  greetsByName: number;
  signOff: number;
  signedName: number;
  contractions: number;
  exclamations: number;
}

function styleVector(text: string, signature = ''): StyleVector {
  const s = readMessageStyle(text, signature);
  return {
    logWords: Math.log1p(s.words) / Math.log(200),
    greets: s.greeting ? 1 : 0,
    greetsByName: s.greeting.includes('{name}') ? 1 : 0,
    signOff: s.signOff ? 1 : 0,
    signedName: s.signName ? 1 : 0,
    contractions: s.contractions + s.expandable ? s.contractions / (s.contractions + s.expandable) : 0.5,
    exclamations: s.sentences ? s.exclamations / s.sentences : 0,
  };
}

function meanVector(vectors: StyleVector[]): StyleVector {
  const keys = Object.keys(vectors[0] ?? {}) as (keyof StyleVector)[];
  return Object.fromEntries(
    keys.map((k) => [k, vectors.reduce((sum, v) => sum + v[k], 0) / Math.max(1, vectors.length)]),
  ) as unknown as StyleVector;
}

function distance(a: StyleVector, b: StyleVector): number {
  return Math.sqrt((Object.keys(a) as (keyof StyleVector)[]).reduce((sum, k) => sum + (a[k] - b[k]) ** 2, 0));
}

const settings = { ...defaultSettings(), timeZone: 'America/Chicago' };
const table: string[][] = [];
let totalInvented = 0;

for (const user of USERS) {
  const sent = all.filter((m) => m.from?.address === user);
  const learnFrom = sent.filter((_, i) => i % 2 === 0);
  const reference = sent.filter((_, i) => i % 2 === 1 && readMessageStyle(_.newText, _.signature).words > 0);
  const voice = learnVoice(learnFrom);
  const generic = defaultVoice();
  const candidates = all.filter((m) => {
    if (!m.from || m.from.address === user || USERS.includes(m.from.address) || m.signals.listUnsubscribe) return false;
    const a = analyseMessage(m);
    return a.asks.length > 0 || a.meetingAsk || !!a.invitation;
  });
  const targets = candidates.slice(0, MAX_REPLIES);

  let traced = 0;
  let invented = 0;
  const inventedExamples: string[] = [];
  let greetingRight = 0;
  let greetingChecked = 0;
  let frameRight = 0;
  let unknowns = 0;
  let unknownsAsPlaceholders = 0;
  const draftWords: number[] = [];
  const learnedVectors: StyleVector[] = [];
  const genericVectors: StyleVector[] = [];
  const expectedSignOff = voice.signOffs[0]?.text ?? '';

  for (const m of targets) {
    const now = new Date((m.date?.getTime() ?? Date.parse('2001-06-01T12:00:00Z')) + 3_600_000);
    const draft = draftReplyLocal({ message: m, voice, settings, now, me: [user] });
    const genericDraft = draftReplyLocal({ message: m, voice: generic, settings, now, me: [user] });

    const source = sourceOf(m, voice);
    const untraced = factsOf(checkedText(draft)).filter((f) => !source.includes(f.toLowerCase()));
    if (untraced.length === 0) traced++;
    else {
      invented += untraced.length;
      if (inventedExamples.length < 5) inventedExamples.push(`${m.id}: ${untraced.join(', ')}`);
    }

    const expected = m.headers['x-from'] ? firstNameFromDisplayName(m.headers['x-from']) : undefined;
    if (expected && voice.greetings[0]?.text.includes('{name}')) {
      greetingChecked++;
      const firstLine = draft.text.split('\n')[0] ?? '';
      if (firstLine.toLowerCase().includes(expected.toLowerCase())) greetingRight++;
    }

    const closing = draft.text.split('\n').filter(Boolean).slice(-2).join('\n');
    const wantClosing = [expectedSignOff, voice.signatureName].filter(Boolean).join('\n');
    if (closing.endsWith(wantClosing)) frameRight++;

    const analysis = analyseMessage(m, [user]);
    const questions = analysis.asks.filter((a) => a.kind !== 'request');
    unknowns += questions.length;
    unknownsAsPlaceholders += Math.min(questions.length, draft.placeholders.filter((p) => !p.includes('when]')).length);

    draftWords.push(readMessageStyle(draft.text).words);
    learnedVectors.push(styleVector(draft.text));
    genericVectors.push(styleVector(genericDraft.text));
  }

  const real = meanVector(reference.map((m) => styleVector(m.newText, m.signature)));
  const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');
  totalInvented += invented;
  table.push(
    [user, 'sent mail (learn / reference)', `${learnFrom.length} / ${reference.length}`],
    [
      user,
      'profile',
      `greeting "${voice.greetings[0]?.text}", sign-off "${expectedSignOff}", name "${voice.signatureName}", ~${voice.typicalWords} words, ${voice.formality}`,
    ],
    [user, 'drafts (messages that ask something)', String(targets.length)],
    [user, 'drafts with every fact traced', pct(traced, targets.length)],
    [user, 'invented facts (target 0)', String(invented)],
    [user, 'greeting names the sender', `${pct(greetingRight, greetingChecked)} of ${greetingChecked}`],
    [user, 'sign-off and name match profile', pct(frameRight, targets.length)],
    [user, 'questions left as placeholders', `${pct(unknownsAsPlaceholders, unknowns)} of ${unknowns}`],
    [user, 'median draft words / profile', `${median(draftWords)} / ${voice.typicalWords}`],
    [user, 'style distance to real sent mail: learned voice', distance(meanVector(learnedVectors), real).toFixed(3)],
    [user, 'style distance to real sent mail: generic voice', distance(meanVector(genericVectors), real).toFixed(3)],
  );
  for (const example of inventedExamples) table.push([user, 'untraced example', example]);
}

const widths = [0, 1, 2].map((i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
console.log(table.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n'));
console.log(`\nTarget: 0 invented facts; measured ${totalInvented}.`);
